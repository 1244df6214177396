using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Installatron.Server.Azurite;

/// <summary>
/// Azurite (the Azure Storage emulator, a pinned npm dependency of this repository) run as a child process on free
/// loopback ports. With a data folder, an Azurite left running by a server that was killed is found through its
/// state file and reused, so two emulators never write one folder.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft; not a secret).</summary>
    private const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string StateFileName = "azurite-process.json";

    private readonly Process? _process;
    private readonly int _pid;
    private readonly string? _stateFile;

    private AzuriteProcess(Process? process, int pid, AzuritePorts ports, string? stateFile)
    {
        _process = process;
        _pid = pid;
        Ports = ports;
        _stateFile = stateFile;
    }

    public AzuritePorts Ports { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{Ports.Blob}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{Ports.Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{Ports.Table}/devstoreaccount1;";

    /// <summary>Starts Azurite; <paramref name="location"/> null keeps everything in memory (tests).</summary>
    public static async Task<AzuriteProcess> StartAsync(string toolRoot, string? location, TextWriter log, CancellationToken cancellationToken)
    {
        var stateFile = location is null ? null : Path.Combine(location, StateFileName);
        if (stateFile is not null && await TryReuseAsync(stateFile, cancellationToken) is { } reused)
        {
            await log.WriteLineAsync($"Reusing Azurite (pid {reused._pid}) left running on ports {reused.Ports}.");
            return reused;
        }

        var script = await AzuriteInstaller.EnsureInstalledAsync(toolRoot, log, cancellationToken);
        var ports = new AzuritePorts(FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite could not be started (is node on PATH?).");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, process.Id, ports, stateFile);
        try
        {
            await WaitUntilListeningAsync(ports, process, TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            lock (output)
            {
                throw new InvalidOperationException($"Azurite did not start listening: {output}");
            }
        }

        if (stateFile is not null)
        {
            await File.WriteAllTextAsync(stateFile, JsonSerializer.Serialize(new AzuriteState(process.Id, ports, location!)), cancellationToken);
        }

        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var process = _process ?? Process.GetProcessById(_pid);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        if (_stateFile is not null)
        {
            File.Delete(_stateFile);
        }

        _process?.Dispose();
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
                && await IsListeningAsync(state.Ports.Table, cancellationToken))
            {
                return new AzuriteProcess(null, state.Pid, state.Ports, stateFile);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Not reusable: start a new one.
        }

        File.Delete(stateFile);
        return null;
    }

    private static async Task WaitUntilListeningAsync(AzuritePorts ports, Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
        {
            while (!await IsListeningAsync(port, cancellationToken))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite is not listening on port {port}.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record AzuriteState(int Pid, AzuritePorts Ports, string Location);
}

public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    public override string ToString() => $"blob {Blob}, queue {Queue}, table {Table}";
}
