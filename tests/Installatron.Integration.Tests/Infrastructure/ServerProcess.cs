using System.Text.RegularExpressions;
using Installatron.Processes;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// A built server (the standalone server, or the Durable crash app that hosts a test orchestration) as a child process,
/// so a test can kill -9 it, interrupt it, and start it again on the same storage, task hub and data folder.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _workerReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChildProcess _process;

    private ServerProcess(string project, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, bool ownProcessGroup)
    {
        var binaries = Path.Combine(RepositoryPaths.Root, project.StartsWith("Installatron.Server", StringComparison.Ordinal) ? "src" : "tests",
            project, "bin", RepositoryPaths.Configuration, "net10.0");
        _process = ChildProcess.Start("dotnet", [Path.Combine(binaries, project + ".dll"), .. arguments], new ChildProcessOptions
        {
            Name = project,
            WorkingDirectory = binaries,
            Environment = environment ?? new Dictionary<string, string?>(),
            OwnProcessGroup = ownProcessGroup,
            OnLine = OnLine,
            StopGrace = TimeSpan.FromSeconds(20),
        });
        _ = WatchExitAsync();
    }

    public int Pid => _process.Pid;

    /// <summary>The API's base address, once the server listens.</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <summary>Milliseconds from the process start to the Durable Task worker connected to the sidecar, as the crash app measured it.</summary>
    public Task<int> WorkerReady => _workerReady.Task;

    public string Output => _process.Output;

    /// <summary>The standalone server (Installatron.Server.dll).</summary>
    /// <param name="ownProcessGroup">In a process group of its own, as a shell starts a command, so a test can signal the whole group.</param>
    public static ServerProcess Start(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, bool ownProcessGroup = false) =>
        new("Installatron.Server", arguments, environment, ownProcessGroup);

    /// <summary>
    /// The arguments of a standalone server of a crash or fail-over test on the shared Azurite: its own tables and task hub
    /// (<paramref name="prefix"/>), a short Durable lock so a survivor takes over quickly, then <paramref name="more"/>.
    /// </summary>
    public static string[] DurableArguments(string connectionString, string prefix, string dataPath, params string[] more) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--AzureWebJobsStorage", connectionString,
        "--Installatron:Key", ApiServer.Key,
        "--Installatron:TablePrefix", prefix,
        "--Installatron:TaskHub", prefix,
        "--Installatron:DurableLockTimeout", "00:00:10",
        "--Installatron:DataPath", dataPath,
        .. more,
    ];

    /// <summary>tests/Installatron.DurableCrashApp: a standalone server hosting a test orchestration.</summary>
    public static ServerProcess StartCrashApp(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        new("Installatron.DurableCrashApp", arguments, environment, ownProcessGroup: false);

    /// <summary>SIGKILL to the server alone: no shutdown code runs, exactly like a crash or an OOM kill.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGKILL to the server's whole process group (every process a terminal would have started with it).</summary>
    public async Task KillGroupAsync()
    {
        _process.SignalGroup(UnixSignal.Kill);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGINT to the server's process group: what Ctrl+C in a terminal does.</summary>
    public void InterruptGroup() => _process.SignalGroup(UnixSignal.Interrupt);

    public Task<int> WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>SIGTERM (the graceful stop a service manager sends), SIGKILL after 20 s.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task WatchExitAsync()
    {
        await _process.WaitForExitAsync();
        _listening.TrySetException(new InvalidOperationException($"{_process.Name} exited before it listened:\n{_process.Output}"));
        _workerReady.TrySetException(new InvalidOperationException($"{_process.Name} exited before its worker connected:\n{_process.Output}"));
    }

    private void OnLine(string line)
    {
        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups["url"].Value));
        }
        else if (line.StartsWith("WORKER_READY ", StringComparison.Ordinal))
        {
            _workerReady.TrySetResult(int.Parse(line["WORKER_READY ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Installatron\.Server is listening on (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
