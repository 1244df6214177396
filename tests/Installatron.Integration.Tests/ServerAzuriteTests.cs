using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Installatron.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>
/// The real server with its own Azurite, started the way a terminal starts a command (in a process group of its own),
/// then stopped the ways a terminal or a crash stops it: the server, not the signal, decides when Azurite stops.
/// </summary>
public sealed partial class ServerAzuriteTests(ITestOutputHelper output)
{
    /// <summary>Ctrl+C sends SIGINT to the terminal's whole foreground group.</summary>
    [Fact]
    public async Task Server_InterruptToItsProcessGroup_StopsAzuriteAfterTheDurableBackendAndExitsWithZero()
    {
        var dataPath = TestIds.NewTempDirectory();
        try
        {
            await using var server = ServerProcess.Start(Arguments(dataPath), ownProcessGroup: true);
            var azurite = await AzuritePidAsync(server);
            Assert.NotEqual(ProcessGroupOf(server.Pid), ProcessGroupOf(azurite));

            var clock = Stopwatch.StartNew();
            server.InterruptGroup();
            int exitCode;
            try
            {
                exitCode = await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                output.WriteLine("The server did not exit 60 s after SIGINT; its output:\n" + server.Output);
                throw;
            }
            output.WriteLine($"SIGINT to the server's process group -> server exited after {clock.ElapsedMilliseconds} ms");
            output.WriteLine(server.Output);

            Assert.Equal(0, exitCode);
            var log = server.Output;
            var sidecarStopped = log.IndexOf("Durable Task sidecar for task hub", log.IndexOf("Application is shutting down", StringComparison.Ordinal), StringComparison.Ordinal);
            var azuriteStopped = log.IndexOf($"Azurite (pid {azurite}) stopped by the server", StringComparison.Ordinal);
            Assert.True(sidecarStopped >= 0 && azuriteStopped > sidecarStopped, "The server must stop Azurite itself, after the Durable backend.");
            Assert.DoesNotContain("did not finish stopping in time", log);
            Assert.False(IsRunning(azurite));
            Assert.False(File.Exists(Path.Combine(dataPath, "azurite", "azurite-process.json")));
        }
        finally
        {
            var azuriteLog = Path.Combine(dataPath, "azurite", "azurite-process.log");
            output.WriteLine("azurite-process.log:\n" + (File.Exists(azuriteLog) ? File.ReadAllText(azuriteLog) : "(none)"));
            Directory.Delete(dataPath, recursive: true);
        }
    }

    /// <summary>A kill -9 of the server's whole process group (a crash of everything the terminal started) leaves Azurite, and what it acknowledged, alive.</summary>
    [Fact]
    public async Task Server_KilledWithItsProcessGroup_AzuriteSurvivesAndTheRestartedServerReusesItWithItsRows()
    {
        var dataPath = TestIds.NewTempDirectory();
        var user = "u" + TestIds.NewPrefix();
        int azurite;
        try
        {
            await using (var first = ServerProcess.Start(Arguments(dataPath), ownProcessGroup: true))
            {
                azurite = await AzuritePidAsync(first);
                using var client = Client(await first.Listening);
                using var created = await client.PostAsJsonAsync("/users", new { user, email = "crash@example.com" });
                Assert.Equal(201, (int)created.StatusCode);

                await first.KillGroupAsync();
                Assert.True(IsRunning(azurite), "Azurite must survive a kill -9 of the server's process group.");
            }

            await using (var second = ServerProcess.Start(Arguments(dataPath), ownProcessGroup: true))
            {
                using var client = Client(await second.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
                Assert.Contains($"Reusing Azurite (pid {azurite})", second.Output);

                var found = JsonDocument.Parse(await client.GetStringAsync($"/users/{user}")).RootElement;
                Assert.Equal("crash@example.com", found.GetProperty("data").GetProperty("email").GetString());
            }

            Assert.False(IsRunning(azurite), "The restarted server stops the Azurite it reused when it stops.");
        }
        finally
        {
            var azuriteLog = Path.Combine(dataPath, "azurite", "azurite-process.log");
            output.WriteLine("azurite-process.log:\n" + (File.Exists(azuriteLog) ? File.ReadAllText(azuriteLog) : "(none)"));
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private static string[] Arguments(string dataPath) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--Installatron:Key", ApiServer.Key,
        "--Installatron:DataPath", dataPath,
        "--Installatron:DemoData", "false",
        "--Logging:LogLevel:Default", "Warning",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
        "--Logging:LogLevel:Installatron", "Information",
    ];

    private static HttpClient Client(Uri baseAddress) => ApiClient.Create(baseAddress, timeout: TimeSpan.FromSeconds(30));

    private static async Task<int> AzuritePidAsync(ServerProcess server)
    {
        await server.Listening.WaitAsync(TimeSpan.FromSeconds(90));
        var deadline = Stopwatch.StartNew();
        while (!StorageLine().IsMatch(server.Output))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "The server did not say which Azurite it uses:\n" + server.Output);
            await Task.Delay(50);
        }

        return int.Parse(StorageLine().Match(server.Output).Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Not gone and not a zombie (an orphan nobody reaped has exited all the same).</summary>
    private static bool IsRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] is not ('Z' or 'X');

    /// <summary>Field 5 of /proc/PID/stat (after the command name in parentheses): the process group.</summary>
    private static int ProcessGroupOf(int pid) =>
        int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"storage\s+: Azurite pid (?<pid>\d+)")]
    private static partial Regex StorageLine();
}
