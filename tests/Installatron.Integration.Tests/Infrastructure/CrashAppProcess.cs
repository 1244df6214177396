using System.Diagnostics;
using System.Text;
using Installatron.Core.Storage;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// One run of tests/Installatron.DurableCrashApp (a standalone server hosting a test orchestration) as a child
/// process, on the given storage account and task hub. Dispose kills it if it is still running.
/// </summary>
public sealed class CrashAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _workerReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrashAppProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            _listening.TrySetException(new InvalidOperationException("The crash app exited before it listened."));
            _workerReady.TrySetException(new InvalidOperationException("The crash app exited before its worker connected."));
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>The API's base address, once the server listens.</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <summary>Milliseconds from the process start to the Durable Task worker connected to the sidecar, as the app measured it.</summary>
    public Task<int> WorkerReady => _workerReady.Task;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CrashAppProcess Start(string storageConnectionString, string taskHub, string dataPath, TimeSpan lockTimeout)
    {
        var binaries = Path.Combine(RepositoryPaths.Root, "tests", "Installatron.DurableCrashApp", "bin", RepositoryPaths.Configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = binaries,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [StorageAccount.SettingName] = storageConnectionString },
        };
        foreach (var argument in new[]
        {
            Path.Combine(binaries, "Installatron.DurableCrashApp.dll"),
            "--urls", "http://127.0.0.1:0",
            "--Installatron:Key", ApiServer.Key,
            "--Installatron:TablePrefix", taskHub,
            "--Installatron:TaskHub", taskHub,
            "--Installatron:DurableLockTimeout", lockTimeout.ToString("c"),
            "--Installatron:DataPath", dataPath,
            "--Installatron:DemoData", "false",
            "--Logging:LogLevel:Default", "Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new CrashAppProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started."));
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["LISTENING ".Length..]));
        }
        else if (line.StartsWith("WORKER_READY ", StringComparison.Ordinal))
        {
            _workerReady.TrySetResult(int.Parse(line["WORKER_READY ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
