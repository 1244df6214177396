namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// Where a remote site is and how to log in: an SSH server, its pinned host key (<c>SHA256:…</c> as
/// <c>ssh-keygen -lf</c> prints it), a login with a password and/or an OpenSSH private key (with its passphrase).
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed record SshSiteSettings(string Host, int Port, string Login, string HostKeyFingerprint)
{
    public string? Password { get; init; }

    /// <summary>An OpenSSH private key, as the text of its file.</summary>
    public string? PrivateKey { get; init; }

    public string? PrivateKeyPassphrase { get; init; }

    /// <summary>How long connecting (TCP, key exchange, login) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one SFTP request or one shell command may take.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle connection is kept alive; zero turns keep-alive off.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Parallel SFTP transfers (hashing reads) when the account has no shell.</summary>
    public int Transfers { get; init; } = 4;

    /// <summary><c>sftp://login@host:port</c>: how messages name the server.</summary>
    public string Address => $"sftp://{Login}@{Host}:{Port}";

    public override string ToString() => $"{Address} (host key {HostKeyFingerprint})";
}
