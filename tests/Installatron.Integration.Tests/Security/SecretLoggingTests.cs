using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// The standalone server's whole log, at the Information level an operator runs it with, over a full run: imports
/// with the database password in the query string and in the body, then updates that dump and back up the tables.
/// No secret appears in it, in any encoding.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SecretLoggingTests(MariaDbServer mariadb)
{
    [Fact]
    public async Task ServerLog_ImportsAndUpdatesWithDbPass_NeverHoldsThePassword()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(database);
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        var home = Path.Combine(dataPath, "demo", "home", DemoData.User);
        string output;
        await using (var server = ServerProcess.Start(
        [
            "--urls", "http://127.0.0.1:0",
            "--AzureWebJobsStorage", azurite.ConnectionString,
            "--Installatron:Key", ApiServer.Key,
            "--Installatron:TablePrefix", prefix,
            "--Installatron:TaskHub", prefix,
            "--Installatron:DataPath", dataPath,
            "--Logging:LogLevel:Default", "Information",
            "--Logging:LogLevel:Microsoft.AspNetCore", "Information",
        ]))
        {
            using var client = ApiClient.Create(await server.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            var fields = new Dictionary<string, object>
            {
                ["user"] = DemoData.User, ["application"] = "wordpress", ["version"] = "6.7.2", ["db_type"] = "mysql",
                ["db_host"] = $"{database.Host}:{database.Port}", ["db_name"] = database.Name, ["db_user"] = database.User,
                ["tables"] = WordPressTables.Names, ["plugins"] = Array.Empty<object>(), ["themes"] = Array.Empty<object>(),
            };

            var inQuery = await ImportAsync(client, home, "query", fields, $"?db_pass={Uri.EscapeDataString(database.Password)}");
            var inBody = await ImportAsync(client, home, "body", new Dictionary<string, object>(fields) { ["db_pass"] = database.Password }, "");
            foreach (var id in new[] { inQuery, inBody })
            {
                var update = await client.PostAsJsonAsync($"/installs/{id}/update", new { revert = true });
                Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
                var read = JsonDocument.Parse(await (await client.GetAsync($"/installs/{id}")).Content.ReadAsStringAsync());
                Assert.Equal(database.Password, read.RootElement.GetProperty("data").GetProperty("db_pass").GetString());
            }

            output = server.Output;
        }

        Assert.Contains("POST /installs answered 201", output); // the log is real and holds the requests
        Assert.Contains("/update answered 200", output);
        var secret = database.Password;
        foreach (var form in new[] { secret, Uri.EscapeDataString(secret), secret[^24..], JsonSerializer.Serialize(secret)[1..^1] })
        {
            Assert.DoesNotContain(form, output);
        }
    }

    private static async Task<string> ImportAsync(HttpClient client, string home, string name, Dictionary<string, object> fields, string query)
    {
        var site = Path.Combine(home, "public_html", name);
        DemoWordPress.WriteSite(site, "6.7.2", $"http://website.com/{name}");
        var body = new Dictionary<string, object>(fields) { ["path"] = site, ["url"] = $"http://website.com/{name}" };
        var response = await client.PostAsJsonAsync("/installs" + query, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }
}
