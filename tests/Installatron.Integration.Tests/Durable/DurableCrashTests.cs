using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Durable;

/// <summary>
/// An orchestration survives a SIGKILL of the server hosting it: a second server process on the same task hub
/// finishes it by itself. Activities are at-least-once, so the test checks the final state and reports repeats.
/// </summary>
public sealed class DurableCrashTests(ITestOutputHelper output)
{
    /// <summary>Shorter than the default 30 s so that work in flight at the kill comes back sooner.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Orchestration_ServerKilledAfterFirstActivity_CompletesAfterRestart()
    {
        var azurite = await SharedAzurite.GetAsync();
        var taskHub = TestIds.NewPrefix();
        var dataPath = TestIds.NewTempDirectory();
        var logFile = Path.Combine(dataPath, "steps.log");
        var instanceId = "crash-" + taskHub;
        ServerProcess? first = null;
        ServerProcess? second = null;
        try
        {
            var clock = Stopwatch.StartNew();
            first = StartCrashApp(azurite.ConnectionString, taskHub, dataPath);
            var firstUrl = await first.Listening.WaitAsync(TimeSpan.FromSeconds(60));
            var firstReady = await first.WorkerReady.WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"first process: worker ready {firstReady} ms after process start ({clock.ElapsedMilliseconds} ms after spawn)");

            using (var http = new HttpClient { BaseAddress = firstUrl, DefaultRequestHeaders = { { "X-API-KEY", ApiServer.Key } } })
            {
                using var scheduled = await http.PostAsJsonAsync($"/crash-test/{instanceId}", new { logFile });
                Assert.True(scheduled.IsSuccessStatusCode, await scheduled.Content.ReadAsStringAsync());
            }

            clock.Restart();
            await WaitUntilAsync(() => ReadSteps(logFile).Any(s => s.Step == "one"), TimeSpan.FromSeconds(60));
            output.WriteLine($"first activity's line written {clock.ElapsedMilliseconds} ms after scheduling; killing pid {first.Pid}");
            await first.KillAsync();

            clock.Restart();
            second = StartCrashApp(azurite.ConnectionString, taskHub, dataPath);
            var secondUrl = await second.Listening.WaitAsync(TimeSpan.FromSeconds(60));
            var secondReady = await second.WorkerReady.WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"second process: worker ready {secondReady} ms after process start ({clock.ElapsedMilliseconds} ms after spawn)");

            using var client = new HttpClient { BaseAddress = secondUrl, DefaultRequestHeaders = { { "X-API-KEY", ApiServer.Key } } };
            var (status, result) = await WaitForCompletionAsync(client, instanceId, TimeSpan.FromSeconds(120));
            output.WriteLine($"orchestration completed {clock.ElapsedMilliseconds} ms after the restart (lock timeout {LockTimeout.TotalSeconds} s)");

            var steps = ReadSteps(logFile);
            output.WriteLine("steps.log:");
            foreach (var (step, pid) in steps)
            {
                output.WriteLine($"  {step} (pid {pid}{(pid == first.Pid ? ", killed process" : pid == second.Pid ? ", restarted process" : "")})");
            }

            foreach (var repeated in steps.GroupBy(s => s.Step).Where(g => g.Count() > 1))
            {
                output.WriteLine($"ran more than once: {repeated.Key} x{repeated.Count()}");
            }

            Assert.Equal("Completed", status);
            Assert.Equal(["one", "two", "three"], JsonSerializer.Deserialize<string[]>(result!) ?? []);
            Assert.Equal(["one", "two-start", "two", "three"], steps.Select(s => s.Step).Distinct());
            Assert.Contains(steps, s => s.Pid == first.Pid);
            Assert.Contains(steps, s => s is { Step: "three" } && s.Pid == second.Pid);
        }
        finally
        {
            foreach (var process in new[] { first, second })
            {
                if (process is not null)
                {
                    output.WriteLine($"--- output of pid {process.Pid} ---{Environment.NewLine}{process.Output}");
                    await process.DisposeAsync();
                }
            }

            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static ServerProcess StartCrashApp(string storageConnectionString, string taskHub, string dataPath) =>
        ServerProcess.StartCrashApp(
        [
            "--urls", "http://127.0.0.1:0",
            "--Installatron:Key", ApiServer.Key,
            "--Installatron:TablePrefix", taskHub,
            "--Installatron:TaskHub", taskHub,
            "--Installatron:DurableLockTimeout", LockTimeout.ToString("c"),
            "--Installatron:DataPath", dataPath,
            "--Installatron:DemoData", "false",
            "--Logging:LogLevel:Default", "Warning",
        ], new Dictionary<string, string?> { [StorageAccount.SettingName] = storageConnectionString });

    private static List<(string Step, int Pid)> ReadSteps(string logFile) =>
        !File.Exists(logFile)
            ? []
            : File.ReadAllLines(logFile)
                .Select(line => line.Split(" pid="))
                .Where(parts => parts.Length == 2 && int.TryParse(parts[1], out _))
                .Select(parts => (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, "Timed out waiting for the first activity.");
            await Task.Delay(10);
        }
    }

    private static async Task<(string Status, string? Output)> WaitForCompletionAsync(HttpClient client, string instanceId, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync($"/crash-test/{instanceId}");
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var status = body.RootElement.GetProperty("status").GetString()!;
                if (status is "Completed" or "Failed" or "Terminated")
                {
                    return (status, body.RootElement.GetProperty("output").GetString());
                }
            }

            Assert.True(deadline.Elapsed < timeout, $"The orchestration did not complete within {timeout}.");
            await Task.Delay(100);
        }
    }
}
