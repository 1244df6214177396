using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>kill -9 of the standalone server in the middle of an update, then a restart: the update finishes by itself.</summary>
public sealed class ServerCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Update_ServerKilledMidUpdate_FinishesAfterRestartAndSiteIsWhole()
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        var arguments = ServerProcess.DurableArguments(azurite.ConnectionString, prefix, dataPath,
            "--Logging:LogLevel:Default", "Warning");
        var site = Path.Combine(dataPath, "demo", "home", DemoData.User, "public_html", "staging");
        string taskId;
        string stepAtKill;
        string uploads;

        await using (var first = ServerProcess.Start(arguments))
        {
            using var client = Client(await first.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            uploads = AddUploads(Path.Combine(site, "wp-content", "uploads", "big"), files: 300, bytes: 200_000);

            var started = await client.PostAsJsonAsync($"/installs/{DemoData.InstallId}/update", new { revert = true, background = true });
            var body = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement;
            Assert.True(body.GetProperty("result").GetBoolean(), body.ToString());
            taskId = body.GetProperty("data").GetProperty("id").GetString()!;

            stepAtKill = await WaitForStepAsync(client, taskId, ["backup", "apply", "verify"]);
            await first.KillAsync();
            output.WriteLine($"killed the server during step '{stepAtKill}'");
        }

        await using (var second = ServerProcess.Start(arguments))
        {
            using var client = Client(await second.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            var task = await WaitForFinishAsync(client, taskId, TimeSpan.FromSeconds(120));
            output.WriteLine($"after restart: {task}");
            Assert.Equal("complete", task.GetProperty("status").GetString());

            Assert.Contains("'6.7.3'", await File.ReadAllTextAsync(Path.Combine(site, "wp-includes", "version.php")));
            Assert.False(File.Exists(Path.Combine(site, ".maintenance")));
            Assert.Equal(uploads, SiteFiles.Hash(Path.Combine(site, "wp-content", "uploads", "big")));

            var install = JsonDocument.Parse(await client.GetStringAsync($"/installs/{DemoData.InstallId}")).RootElement.GetProperty("data");
            Assert.Equal("6.7.3", install.GetProperty("version").GetString());
            Assert.False(install.GetProperty("incomplete").GetBoolean());

            // The lease was released: a new request is judged on its merits (nothing newer), not refused as in progress.
            var again = await client.PostAsJsonAsync($"/installs/{DemoData.InstallId}/update", new { background = true });
            Assert.Contains("invalid_argument_version_noupdate", await again.Content.ReadAsStringAsync());
        }

        Directory.Delete(dataPath, recursive: true);
    }

    private static HttpClient Client(Uri baseAddress) => ApiClient.Create(baseAddress, timeout: TimeSpan.FromSeconds(30));

    private static string AddUploads(string folder, int files, int bytes)
    {
        Directory.CreateDirectory(folder);
        var buffer = new byte[bytes];
        for (var i = 0; i < files; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            File.WriteAllBytes(Path.Combine(folder, $"upload-{i:D4}.bin"), buffer);
        }

        return SiteFiles.Hash(folder);
    }

    private static async Task<string> WaitForStepAsync(HttpClient client, string taskId, string[] steps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var task = JsonDocument.Parse(await client.GetStringAsync($"/tasks/{taskId}")).RootElement.GetProperty("data");
            var step = task.GetProperty("step").GetString()!;
            if (steps.Contains(step))
            {
                return step;
            }

            Assert.NotEqual("done", step);
            await Task.Delay(20);
        }

        throw new TimeoutException($"Task {taskId} never reached {string.Join("/", steps)}.");
    }

    private static async Task<JsonElement> WaitForFinishAsync(HttpClient client, string taskId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement task = default;
        while (DateTime.UtcNow < deadline)
        {
            task = JsonDocument.Parse(await client.GetStringAsync($"/tasks/{taskId}")).RootElement.GetProperty("data");
            if (task.GetProperty("status").GetString() is "complete" or "failed" or "reverted")
            {
                return task;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Task {taskId} did not finish after the restart: {task}");
    }
}
