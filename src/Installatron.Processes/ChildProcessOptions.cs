namespace Installatron.Processes;

/// <summary>How <see cref="ChildProcess.Start"/> runs a program.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>A short name for messages (default: the program's file name).</summary>
    public string? Name { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Starts the program in a session and process group of its own (<c>setsid</c>): a signal to the starter's group
    /// (Ctrl+C in a terminal sends SIGINT to the whole foreground group) does not reach it, nor does the kill of the starter.
    /// </summary>
    public bool OwnProcessGroup { get; init; }

    /// <summary>
    /// Appends the program's stdout and stderr to this file instead of reading them through pipes, with stdin from
    /// /dev/null: the program does not depend on its starter staying alive to read its output.
    /// </summary>
    public string? LogFile { get; init; }

    /// <summary>Called with each line the program prints (not with <see cref="LogFile"/>).</summary>
    public Action<string>? OnLine { get; init; }

    /// <summary>How long <see cref="ChildProcess.DisposeAsync"/> waits after SIGTERM before it sends SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How a program run to its end by <see cref="ChildProcess.RunAsync"/> ended.</summary>
/// <param name="Output">Everything it printed, stdout and stderr as they came.</param>
/// <param name="StandardOutput">What it printed on stdout alone.</param>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, string StandardOutput)
{
    /// <exception cref="InvalidOperationException">The program exited with a code other than 0; the message holds its output.</exception>
    public ProcessResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{CommandLine} exited with code {ExitCode}:\n{Output}");
}
