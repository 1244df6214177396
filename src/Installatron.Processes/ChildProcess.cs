using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Installatron.Processes;

/// <summary>
/// A program this process started (or, with <see cref="Attach"/>, one it found running), stopped by its PID: the one
/// way the server starts Azurite and the tests start Azurite, MariaDB, PHP and the servers. Its output is kept
/// (<see cref="Output"/>) for failure messages.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ChildProcessOptions _options;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();

    /// <summary>Found running, not started here: its exit is seen in /proc, since only its parent can wait for it.</summary>
    private readonly bool _attached;

    /// <summary>Where this run's output starts in the <see cref="ChildProcessOptions.LogFile"/> (earlier runs may have written to it).</summary>
    private long _logOffset;

    private ChildProcess(Process process, string name, ChildProcessOptions options, bool attached = false)
    {
        _process = process;
        _options = options;
        _attached = attached;
        Name = name;
        Pid = process.Id;
    }

    public string Name { get; }

    public int Pid { get; }

    public bool HasExited
    {
        get
        {
            if (_attached)
            {
                return !IsAlive(Pid);
            }

            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>Everything the program printed so far (in its <see cref="ChildProcessOptions.LogFile"/> since it started, when it has one).</summary>
    public string Output
    {
        get
        {
            if (_options.LogFile is { } log)
            {
                try
                {
                    using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    stream.Seek(Math.Min(_logOffset, stream.Length), SeekOrigin.Begin);
                    using var reader = new StreamReader(stream);
                    return reader.ReadToEnd();
                }
                catch (IOException)
                {
                    return "";
                }
            }

            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the program printed on stdout alone (empty with a <see cref="ChildProcessOptions.LogFile"/>).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <exception cref="InvalidOperationException">The program could not be started (not installed, not executable).</exception>
    public static ChildProcess Start(string program, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        options ??= new ChildProcessOptions();
        var name = options.Name ?? Path.GetFileName(program);
        var start = new ProcessStartInfo { UseShellExecute = false, WorkingDirectory = options.WorkingDirectory ?? "" };
        var command = new List<string>();
        if (options.OwnProcessGroup)
        {
            // A process started by .NET is not a group leader, so setsid(1) calls setsid(2) and execs: the PID stays the program's.
            command.Add("setsid");
        }

        command.Add(program);
        command.AddRange(arguments);
        long logOffset = 0;
        if (options.LogFile is { } log)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(log))!);
            logOffset = File.Exists(log) ? new FileInfo(log).Length : 0;
            start.FileName = "/bin/sh";
            foreach (var part in (string[])["-c", "log=$0; exec \"$@\" </dev/null >>\"$log\" 2>&1", log])
            {
                start.ArgumentList.Add(part);
            }
        }
        else
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.FileName = command[0];
            command.RemoveAt(0);
        }

        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{name} could not be started.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{name} could not be started ({start.FileName}: {e.Message}); is it installed?", e);
        }

        var child = new ChildProcess(process, name, options) { _logOffset = logOffset };
        if (options.LogFile is null)
        {
            process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isStandardOutput: true);
            process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isStandardOutput: false);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return child;
    }

    /// <summary>A program that is already running (started by an earlier run of this program); null when there is no such process.</summary>
    public static ChildProcess? Attach(int pid, string name, string? logFile = null)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            return IsAlive(pid)
                ? new ChildProcess(process, name, new ChildProcessOptions { Name = name, LogFile = logFile }, attached: true)
                {
                    _logOffset = logFile is not null && File.Exists(logFile) ? new FileInfo(logFile).Length : 0,
                }
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Runs a program to its end and returns its exit code and everything it printed.</summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> (it is then killed).</exception>
    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var argumentList = arguments.ToList();
        var commandLine = string.Join(' ', [program, .. argumentList]);
        await using var child = Start(program, argumentList, new ChildProcessOptions
        {
            WorkingDirectory = workingDirectory,
            Environment = environment ?? new Dictionary<string, string?>(),
            StopGrace = TimeSpan.Zero,
        });
        try
        {
            var exitCode = await child.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
            return new ProcessResult(commandLine, exitCode, child.Output, child.StandardOutput);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{commandLine} did not finish within {timeout}:\n{child.Output}");
        }
    }

    /// <summary>The exit code (-1 for a program that was not started by this process: its code is not known).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        if (_attached)
        {
            while (IsAlive(Pid))
            {
                await Task.Delay(50, cancellationToken);
            }

            return -1;
        }

        await _process.WaitForExitAsync(cancellationToken);
        try
        {
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Waits until what the program printed meets <paramref name="condition"/>: true then; false when the program
    /// exits first or <paramref name="timeout"/> passes. A program's own word that it listens beats probing its port,
    /// which another process may hold.
    /// </summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var exited = HasExited;
            if (condition(Output))
            {
                return true;
            }

            if (exited || waited.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the program alone.</summary>
    public void Signal(UnixSignal signal) => Send(Pid, signal);

    /// <summary>Sends <paramref name="signal"/> to the program's process group, as a terminal's Ctrl+C does; for a program started with <see cref="ChildProcessOptions.OwnProcessGroup"/>.</summary>
    public void SignalGroup(UnixSignal signal)
    {
        if (!_options.OwnProcessGroup)
        {
            throw new InvalidOperationException($"{Name} shares its process group with this process; signalling the group would signal this process too.");
        }

        Send(-Pid, signal);
    }

    /// <summary>SIGKILL to the program alone, as a crash or the OOM killer would end it: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            Signal(UnixSignal.Kill);
        }

        await WaitForExitAsync();
    }

    /// <summary>SIGTERM, then SIGKILL if it is still running after <paramref name="grace"/>; true when it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return true;
        }

        if (grace > TimeSpan.Zero)
        {
            Signal(UnixSignal.Terminate);
            try
            {
                await WaitForExitAsync().WaitAsync(grace);
                return true;
            }
            catch (TimeoutException)
            {
                // Falls through to SIGKILL.
            }
        }

        await KillAsync();
        return false;
    }

    /// <summary>Stops the program if it still runs (<see cref="StopAsync"/> with the options' grace period).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_options.StopGrace);
        _process.Dispose();
    }

    private void OnLine(string? line, bool isStandardOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (isStandardOutput)
            {
                _standardOutput.AppendLine(line);
            }
        }

        _options.OnLine?.Invoke(line);
    }

    /// <summary>
    /// Whether the process still runs. A process that has exited but was not reaped (its parent died and the init
    /// process of a container may never reap it) is a zombie: it has exited.
    /// </summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..] is not ['Z' or 'X', ..];
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Send(int pid, UnixSignal signal)
    {
        const int NoSuchProcess = 3;
        if (Kill(pid, (int)signal) != 0 && Marshal.GetLastPInvokeError() is var error and not NoSuchProcess)
        {
            throw new Win32Exception(error, $"kill({pid}, {signal}) failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The signals the fixtures and the server send (Linux numbers).</summary>
public enum UnixSignal
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
}
