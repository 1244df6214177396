using System.Diagnostics;
using System.Text.Json;
using Installatron.Processes;

namespace Installatron.Server.Azurite;

/// <summary>
/// Azurite (the Azure Storage emulator, a pinned npm dependency of this repository) run as a child process on free
/// loopback ports. With a data folder, it runs in a process group of its own with its output in a log file there, so
/// neither Ctrl+C (SIGINT to the terminal's whole foreground group) nor a crash of the server takes it down: the server
/// stops it, gracefully, after the Durable backend has let go of it; an Azurite left running by a server that was
/// killed is found through its state file and reused, so two emulators never write one folder. Without a data folder
/// (tests) it keeps everything in memory.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft; not a secret).</summary>
    private const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string StateFileName = "azurite-process.json";

    private const string LogFileName = "azurite-process.log";

    /// <summary>Azurite saves its tables on SIGTERM; the time it gets to, before SIGKILL.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ExitAfterClosing = TimeSpan.FromMilliseconds(200);

    private readonly ChildProcess _process;
    private readonly string? _stateFile;
    private readonly string? _logFile;

    private AzuriteProcess(ChildProcess process, AzuritePorts ports, string? location, bool reused)
    {
        _process = process;
        Ports = ports;
        _stateFile = location is null ? null : Path.Combine(location, StateFileName);
        _logFile = location is null ? null : Path.Combine(location, LogFileName);
        Reused = reused;
    }

    public AzuritePorts Ports { get; }

    public int Pid => _process.Pid;

    /// <summary>True when this is an Azurite an earlier server left running, not one this server started.</summary>
    public bool Reused { get; }

    public string ConnectionString => ConnectionStringFor(Ports);

    /// <summary>The connection string of an Azurite on <paramref name="ports"/> of 127.0.0.1.</summary>
    public static string ConnectionStringFor(AzuritePorts ports) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{ports.Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{ports.Table}/devstoreaccount1;";

    /// <summary>Starts Azurite; <paramref name="location"/> null keeps everything in memory (tests).</summary>
    /// <param name="ports">The ports to listen on (default: free ones).</param>
    public static async Task<AzuriteProcess> StartAsync(
        string toolRoot, string? location, TextWriter log, CancellationToken cancellationToken, AzuritePorts? ports = null)
    {
        var stateFile = location is null ? null : Path.Combine(location, StateFileName);
        if (stateFile is not null && await TryReuseAsync(stateFile, cancellationToken) is { } reused)
        {
            await log.WriteLineAsync($"Reusing Azurite (pid {reused.Pid}) left running on ports {reused.Ports}.");
            return reused;
        }

        var script = await AzuriteInstaller.EnsureInstalledAsync(toolRoot, log, cancellationToken);
        if (location is not null)
        {
            Directory.CreateDirectory(location);
        }

        // A port found free may be taken before Azurite binds it: then Azurite exits, and other free ports are tried.
        for (var attempt = 1; ; attempt++)
        {
            var tried = ports ?? new AzuritePorts(LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
            var process = Start(script, tried, location);
            var azurite = new AzuriteProcess(process, tried, location, reused: false);
            if (await process.WaitForOutputAsync(tried.AllListeningIn, TimeSpan.FromSeconds(60), cancellationToken))
            {
                if (stateFile is not null)
                {
                    await File.WriteAllTextAsync(stateFile, JsonSerializer.Serialize(new AzuriteState(process.Pid, tried, location!)), cancellationToken);
                }

                return azurite;
            }

            var output = process.Output;
            await azurite.DisposeAsync();
            if (ports is not null || attempt == 3)
            {
                throw new InvalidOperationException($"Azurite did not start listening on {tried}:\n{output}");
            }
        }
    }

    private static ChildProcess Start(string script, AzuritePorts ports, string? location)
    {
        List<string> arguments =
        [
            script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(),
        ];
        arguments.AddRange(location is null ? ["--inMemoryPersistence"] : ["--location", location]);
        return ChildProcess.Start("node", arguments, new ChildProcessOptions
        {
            Name = "Azurite",
            OwnProcessGroup = location is not null,
            LogFile = location is null ? null : Path.Combine(location, LogFileName),
            StopGrace = StopGrace,
        });
    }

    /// <summary>
    /// Stops Azurite: SIGTERM, on which it closes its three services and saves its data. A service that has closed
    /// may still wait for a client to close an idle keep-alive connection before the process ends; once all three
    /// have said they closed, nothing is left to save, so it gets 200 ms to exit and then SIGKILL. An Azurite
    /// that keeps everything in memory is killed at once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_logFile is null)
        {
            await _process.KillAsync();
        }
        else if (!_process.HasExited)
        {
            _process.Signal(UnixSignal.Terminate);
            await _process.WaitForOutputAsync(
                output => new[] { "Blob", "Queue", "Table" }.All(service => output.Contains($"Azurite {service} service successfully closed", StringComparison.Ordinal)),
                StopGrace);

            if (!_process.HasExited)
            {
                await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(ExitAfterClosing));
                await _process.KillAsync();
            }
        }

        await _process.DisposeAsync();
        if (_stateFile is not null)
        {
            File.Delete(_stateFile);
        }
    }

    private static async Task<AzuriteProcess?> TryReuseAsync(string stateFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(stateFile))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<AzuriteState>(await File.ReadAllTextAsync(stateFile, cancellationToken));
            var commandLine = state is null ? "" : await File.ReadAllTextAsync($"/proc/{state.Pid}/cmdline", cancellationToken);
            if (state is not null && commandLine.Contains("azurite", StringComparison.Ordinal)
                && commandLine.Contains(state.Location, StringComparison.Ordinal)
                && await LoopbackPort.IsListeningAsync(state.Ports.Table, cancellationToken)
                && ChildProcess.Attach(state.Pid, "Azurite", Path.Combine(state.Location, LogFileName)) is { } running)
            {
                return new AzuriteProcess(running, state.Ports, state.Location, reused: true);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Not reusable: start a new one.
        }

        File.Delete(stateFile);
        return null;
    }

    private sealed record AzuriteState(int Pid, AzuritePorts Ports, string Location);
}

public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    /// <summary>Whether Azurite's output says that its three services listen on these ports.</summary>
    public bool AllListeningIn(string output) =>
        new[] { ("Blob", Blob), ("Queue", Queue), ("Table", Table) }.All(service =>
            output.Contains($"Azurite {service.Item1} service is successfully listening at http://127.0.0.1:{service.Item2}", StringComparison.Ordinal));

    public override string ToString() => $"blob {Blob}, queue {Queue}, table {Table}";
}
