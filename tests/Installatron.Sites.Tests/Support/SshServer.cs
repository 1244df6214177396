using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Installatron.Core.Sites.Access.Sftp;

namespace Installatron.Sites.Tests.Support;

/// <summary>An account the fixture created on this machine for the SSH tests.</summary>
public sealed record SshAccount(string Login, string Home, string Password, string PrivateKey, string Passphrase, bool HasShell);

/// <summary>
/// Debian's <c>sshd</c> on a free loopback port with a host key and a config of its own (no system service), started
/// and stopped by PID, with two dedicated unprivileged accounts it creates (<c>useradd</c>; the tests run as root):
/// one with a shell, one limited to SFTP (<c>ForceCommand internal-sftp</c>), each with a password and an ed25519 key
/// behind a passphrase. Everything lives under one temporary folder, removed with the accounts at the end.
/// </summary>
/// <remarks>
/// <b>Isolated</b> (<see cref="IsolatedSshServer"/>): sshd runs in a mount namespace of its own where the accounts'
/// homes are bind-mounted at a path that is an empty folder for every other process here. The paths the server
/// knows (<see cref="SshAccount.Home"/>) then do not exist for the test process: whatever reaches a site there went
/// through SSH. The test prepares and inspects the files at <see cref="LocalPath"/>. sshd logs at DEBUG1 so that each
/// forwarded connection shows in <see cref="Log"/>.
/// </remarks>
public class SshServer : IAsyncLifetime
{
    private readonly string _directory = Path.Join(Path.GetTempPath(), "installatron-sshd", Guid.NewGuid().ToString("N")[..12]);
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _logins = [];
    private readonly bool _isolated;
    private readonly string _view;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private Process? _process;

    public SshServer()
        : this(isolated: false)
    {
    }

    protected SshServer(bool isolated)
    {
        _isolated = isolated;
        _view = isolated ? Path.Join(Path.GetTempPath(), "installatron-sshd-view-" + _tag) : _directory;
    }

    /// <summary>Everything sshd wrote to its log so far.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>Where a path of the server is for this process (the same path unless the server is isolated).</summary>
    public string LocalPath(string serverPath) =>
        _isolated && (serverPath == _view || serverPath.StartsWith(_view + "/", StringComparison.Ordinal)) ? _directory + serverPath[_view.Length..] : serverPath;

    public int Port { get; private set; }

    /// <summary>The server's host key fingerprint, as <c>ssh-keygen -lf</c> prints it.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>The fingerprint of another key: what a server whose key changed would present.</summary>
    public string OtherFingerprint { get; private set; } = "";

    public SshAccount ShellAccount { get; private set; } = null!;

    public SshAccount SftpAccount { get; private set; } = null!;

    public SshAccount Account(bool hasShell) => hasShell ? ShellAccount : SftpAccount;

    /// <summary>Settings for an account: its password, or its key and passphrase.</summary>
    public SshSiteSettings Settings(SshAccount account, bool useKey = false) =>
        new SshSiteSettings("127.0.0.1", Port, account.Login, Fingerprint)
        {
            Password = useKey ? null : account.Password,
            PrivateKey = useKey ? account.PrivateKey : null,
            PrivateKeyPassphrase = useKey ? account.Passphrase : null,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/sbin/sshd"))
        {
            throw new InvalidOperationException("OpenSSH's server is not installed: `apt-get install -y openssh-server` (.ci/run does it).");
        }

        Directory.CreateDirectory(Path.Join(_directory, "keys"));
        Directory.CreateDirectory("/run/sshd");
        Fingerprint = await NewKeyAsync(Path.Join(_directory, "host_key"), "");
        OtherFingerprint = await NewKeyAsync(Path.Join(_directory, "other_host_key"), "");
        Directory.CreateDirectory(Path.Join(_directory, "home"));
        if (_isolated)
        {
            Directory.CreateDirectory(Path.Join(_view, "home"));
        }

        ShellAccount = await CreateAccountAsync("sh", hasShell: true);
        SftpAccount = await CreateAccountAsync("ft", hasShell: false);
        await StartAsync(null);
    }

    public async Task DisposeAsync()
    {
        Stop();
        foreach (var login in _logins)
        {
            await RunAsync("userdel", [login], allowFailure: true);
        }

        if (Directory.Exists(_directory))
        {
            await RunAsync("rm", ["-rf", "--", _directory], allowFailure: true);
        }

        if (_isolated && Directory.Exists(_view))
        {
            await RunAsync("rm", ["-rf", "--", _view], allowFailure: true);
        }
    }

    /// <summary>Kills the server (by its PID), and every session it runs: what a dropped connection looks like to the engine.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Starts the server again on the same port, with the same host key.</summary>
    public async Task RestartAsync()
    {
        Stop();
        await StartAsync(Port);
    }

    /// <summary>Makes <paramref name="path"/> (and everything in it) belong to <paramref name="account"/>.</summary>
    public static Task ChownAsync(SshAccount account, string path) => RunAsync("chown", ["-R", "-h", $"{account.Login}:{account.Login}", path]);

    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? input = null, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    private async Task<SshAccount> CreateAccountAsync(string kind, bool hasShell)
    {
        var login = $"itr{kind}{_tag}";
        var home = Path.Join(_view, "home", login);
        await RunAsync("useradd", ["--no-create-home", "--home-dir", home, "--shell", "/bin/bash", "--user-group", login]);
        _logins.Add(login);
        var local = LocalPath(home);
        Directory.CreateDirectory(local);
        await RunAsync("chmod", ["755", local]);
        await RunAsync("chown", [$"{login}:{login}", local]);
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await RunAsync("chpasswd", [], input: $"{login}:{password}\n");
        var passphrase = "pp-" + Guid.NewGuid().ToString("N")[..12];
        var keyFile = Path.Join(_directory, $"{login}_key");
        await NewKeyAsync(keyFile, passphrase);
        File.Copy(keyFile + ".pub", Path.Join(_directory, "keys", login));
        return new SshAccount(login, home, password, await File.ReadAllTextAsync(keyFile), passphrase, hasShell);
    }

    private async Task StartAsync(int? port)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Port = port ?? FreePort();
            var config = Path.Join(_directory, "sshd_config");
            await File.WriteAllTextAsync(config, $"""
                Port {Port}
                ListenAddress 127.0.0.1
                HostKey {Path.Join(_directory, "host_key")}
                PidFile none
                UsePAM no
                PasswordAuthentication yes
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                AuthorizedKeysFile {Path.Join(_directory, "keys")}/%u
                StrictModes no
                PermitRootLogin no
                AllowUsers {ShellAccount.Login} {SftpAccount.Login}
                Subsystem sftp internal-sftp
                LogLevel {(_isolated ? "DEBUG1" : "INFO")}
                Match User {SftpAccount.Login}
                    ForceCommand internal-sftp

                """);
            var sshd = $"/usr/sbin/sshd -D -e -f '{config}'";
            var start = _isolated
                ? new ProcessStartInfo("unshare") { ArgumentList = { "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                    $"mount --bind '{Path.Join(_directory, "home")}' '{Path.Join(_view, "home")}' && exec {sshd}" } }
                : new ProcessStartInfo("/usr/sbin/sshd") { ArgumentList = { "-D", "-e", "-f", config } };
            start.UseShellExecute = false;
            start.RedirectStandardError = true;
            start.RedirectStandardOutput = true;

            var process = Process.Start(start)!;
            var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is { } data)
                {
                    _log.Enqueue(data);
                }

                if (line.Data?.Contains($"Server listening on 127.0.0.1 port {Port}", StringComparison.Ordinal) == true)
                {
                    listening.TrySetResult(true);
                }
                else if (line.Data is null || (line.Data.Contains("Bind to port", StringComparison.Ordinal) && line.Data.Contains("failed", StringComparison.Ordinal)) || line.Data.Contains("fatal", StringComparison.OrdinalIgnoreCase))
                {
                    listening.TrySetResult(false);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (await listening.Task.WaitAsync(TimeSpan.FromSeconds(15)))
            {
                _process = process;
                return;
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
            await Task.Delay(200);
        }

        throw new InvalidOperationException($"sshd did not start on a free loopback port in 5 attempts: {string.Join(" | ", _log.TakeLast(5))}");
    }

    /// <summary>Writes an ed25519 key pair and returns the public key's fingerprint.</summary>
    private static async Task<string> NewKeyAsync(string path, string passphrase)
    {
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "installatron-test", "-f", path]);
        var line = await RunAsync("ssh-keygen", ["-l", "-f", path + ".pub"]);
        return line.Split(' ')[1];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>sshd whose accounts' homes exist only inside its own mount namespace (see <see cref="SshServer"/>).</summary>
public sealed class IsolatedSshServer() : SshServer(isolated: true);
