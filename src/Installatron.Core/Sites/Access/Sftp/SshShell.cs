using Renci.SshNet;

namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// Commands over an SSH connection of their own (SSH.NET keeps the SFTP session on its own connection), which also carries port forwarding. Found only
/// when the account really has a POSIX shell: an account limited to SFTP (<c>ForceCommand internal-sftp</c>) answers
/// the probe with an SFTP server instead, and gets no shell.
/// </summary>
internal sealed class SshShell : IRemoteShell
{
    private const string Marker = "installatron-shell";
    private static readonly string[] Probed = ["tar", "gzip", "sha256sum", "md5sum", "unzip", "find", "xargs", "sort", "cat", "cp", "mv", "rm"];

    private readonly SshClient _client;
    private readonly SshSiteSettings _settings;

    private SshShell(SshClient client, SshSiteSettings settings, IReadOnlySet<string> tools)
    {
        _client = client;
        _settings = settings;
        Tools = tools;
    }

    /// <summary>The tools the probe found (GNU tar shows as <c>gnu-tar</c>).</summary>
    public IReadOnlySet<string> Tools { get; }

    /// <summary>
    /// Opens the command connection and probes it: a shell on the server, or <c>null</c> when the account has none (or
    /// none with the tools the engine uses). The connection stays open either way: it also carries port forwarding.
    /// </summary>
    public static async Task<(SshClient Client, SshShell? Shell)> OpenAsync(SshSiteSettings settings, CancellationToken cancellationToken)
    {
        var client = await SshConnector.ConnectAsync(settings, info => new SshClient(info), cancellationToken);
        try
        {
            var probe = string.Join("; ", Probed.Select(t => $"command -v {t} >/dev/null 2>&1 && echo {t}"));
            var shell = new SshShell(client, settings, new HashSet<string>());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ConnectTimeout);
            var result = await shell.RunAsync($"echo {Marker}; {probe}; tar --version 2>/dev/null | head -n 1 | grep -q 'GNU tar' && echo gnu-tar", Stream.Null, timeout.Token);
            var lines = System.Text.Encoding.UTF8.GetString(result.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return lines is [Marker, ..] ? (client, new SshShell(client, settings, lines.Skip(1).ToHashSet(StringComparer.Ordinal))) : (client, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (client, null);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<ShellResult> RunAsync(string script, Stream? input, CancellationToken cancellationToken)
    {
        // Without input the command reads /dev/null: SSH.NET sends no end-of-file for an input stream nothing was
        // written to, and a command waiting for its input (xargs) would wait for ever.
        var noInput = input is null || (input.CanSeek && input.Length - input.Position == 0);
        using var command = _client.CreateCommand("exec /bin/sh -c " + ShellText.Quote(script) + (noInput ? " </dev/null" : ""));
        command.CommandTimeout = _settings.OperationTimeout;
        try
        {
            var running = command.ExecuteAsync(cancellationToken);
            if (!noInput)
            {
                await WriteInputAsync(command, running, input, cancellationToken);
            }

            using var output = new MemoryStream();
            var reading = command.OutputStream.CopyToAsync(output, cancellationToken);
            await running;
            await reading;
            return new ShellResult(command.ExitStatus ?? -1, output.ToArray(), command.Error ?? "");
        }
        catch (Exception e) when (SshConnector.Dropped(_settings, e) is RemoteHostException dropped)
        {
            throw dropped;
        }
    }

    /// <summary>Feeds the command its input, then end-of-file (a command that already ended, such as an SFTP server answering instead of a shell, takes none).</summary>
    private static async Task WriteInputAsync(SshCommand command, Task running, Stream? input, CancellationToken cancellationToken)
    {
        Stream stdin;
        try
        {
            stdin = command.CreateInputStream();
        }
        catch (InvalidOperationException) when (running.IsCompleted)
        {
            return;
        }

        await using (stdin)
        {
            if (input is not null)
            {
                await input.CopyToAsync(stdin, cancellationToken);
            }
        }
    }
}
