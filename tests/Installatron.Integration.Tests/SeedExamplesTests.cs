using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

/// <summary>
/// The seed's three curl examples, as written (SERVER_IP → the local server, the key → its key), against a freshly
/// started standalone server with the demo data: real HTTP, the durable runtime on Azure Storage (Azurite).
/// </summary>
public sealed class SeedExamplesTests
{
    [Theory]
    [InlineData("update")]
    [InlineData("upgrade")]
    public async Task SeedExample1_UpdateAUsersInstall_672To673(string alias)
    {
        await using var server = await ApiServer.StartAsync();
        var response = await server.PostJsonAsync($"/installs/1234567890abcdefghij12345/{alias}", """
            {
                "user": "useraccountname"
            }
            """);

        response.AssertEnvelope(200, null);
        Assert.Equal("The task is complete.\n", response.Message);
        Assert.Equal("6.7.3", response.Data.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, response.Data.GetProperty("version_available").ValueKind);
        Assert.Contains("'6.7.3'", await File.ReadAllTextAsync(Path.Combine(server.DemoSitePath, "wp-includes", "version.php")));

        var tasks = (await server.GetAsync("/tasks?install=1234567890abcdefghij12345")).AssertEnvelope(200, null).Data;
        var task = tasks.GetProperty("tasks")[0];
        Assert.Equal("complete", task.GetProperty("status").GetString());
        (await server.GetAsync($"/tasks/{task.GetProperty("id").GetString()}")).AssertEnvelope(200, null);
    }

    [Fact]
    public async Task SeedExample2_UpdatePluginsAndThemesToo_CoreStays()
    {
        await using var server = await ApiServer.StartAsync();
        var response = await server.PostJsonAsync("/installs/1234567890abcdefghij12345/update", """
            {
                "version": "current",
                "plugin": [],
                "theme": []
            }
            """);

        response.AssertEnvelope(200, null);
        Assert.Equal("6.7.2", response.Data.GetProperty("version").GetString());
        var plugins = response.Data.GetProperty("plugins").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("version").GetString());
        Assert.Equal("5.3.7", plugins["akismet"]);
        var themes = response.Data.GetProperty("themes").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!, t => t.GetProperty("version").GetString());
        Assert.Equal("1.2", themes["twentytwentyfive"]);
        Assert.Contains("'6.7.2'", await File.ReadAllTextAsync(Path.Combine(server.DemoSitePath, "wp-includes", "version.php")));
    }

    [Fact]
    public async Task SeedExample3_UpdateAppToSpecifiedVersion_InstallNotFound()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        var response = await server.PostJsonAsync("/installs/exampleaccountname/update", """
            {
                "version": "1.1.2"
            }
            """);

        response.AssertEnvelope(404, ErrorCodes.InstallNotFound);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Update_TwentyConcurrentRequestsOverHttp_ExactlyOneRuns()
    {
        await using var server = await ApiServer.StartAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            server.PostJsonAsync($"/installs/{DemoData.InstallId}/update", """{"background": true}""")));

        Assert.Single(responses, r => r.HttpStatus == 200);
        Assert.All(responses.Where(r => r.HttpStatus != 200), r => r.AssertEnvelope(409, ErrorCodes.UpdateInProgress));
        var tasks = (await server.GetAsync($"/tasks?install={DemoData.InstallId}")).AssertEnvelope(200, null).Data;
        Assert.Equal(1, tasks.GetProperty("total").GetInt32());
    }
}
