using System.Text.Json.Serialization;

namespace Installatron.Core.Domain;

/// <summary>
/// Where a hosting account's files are when they live on another server: an SSH server (SFTP, plus its shell when
/// the account has one), the login, and the host key pinned by its fingerprint (<c>SHA256:…</c> as
/// <c>ssh-keygen -lf</c> prints it). The secrets (password, private key, passphrase) are never part of it: they are
/// written once, stored encrypted (<see cref="RemoteSecrets"/>), and only shown here as set or not.
/// </summary>
public sealed record RemoteLocation
{
    public const int DefaultPort = 22;

    public string Protocol { get; init; } = RemoteProtocols.Sftp;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public required string Login { get; init; }

    /// <summary>The server's host key fingerprint; a server presenting another key is refused.</summary>
    public required string HostKey { get; init; }

    /// <summary>A password is stored for the login.</summary>
    public bool PasswordSet { get; init; }

    /// <summary>An OpenSSH private key (with its passphrase, if it has one) is stored for the login.</summary>
    public bool PrivateKeySet { get; init; }

    /// <summary><c>sftp://login@host:port</c>: how messages name the server.</summary>
    [JsonIgnore]
    public string Address => $"{Protocol}://{Login}@{Host}:{Port}";

    /// <summary>True when <paramref name="other"/> is the same server and login (secrets given for one are only ever sent to it).</summary>
    public bool IsSameServer(RemoteLocation? other) =>
        other is not null && other.Protocol == Protocol && string.Equals(other.Host, Host, StringComparison.OrdinalIgnoreCase)
        && other.Port == Port && other.Login == Login;
}

/// <summary>The secrets of a remote location. Write-only: stored encrypted, never shown, never logged.</summary>
public sealed record RemoteSecrets(string? Password, string? PrivateKey, string? PrivateKeyPassphrase)
{
    public static RemoteSecrets None { get; } = new(null, null, null);

    public bool HasPassword => !string.IsNullOrEmpty(Password);

    public bool HasPrivateKey => !string.IsNullOrEmpty(PrivateKey);

    /// <summary>Never the secrets themselves.</summary>
    public override string ToString() => $"RemoteSecrets {{ password: {(HasPassword ? "set" : "none")}, private key: {(HasPrivateKey ? "set" : "none")} }}";
}

public static class RemoteProtocols
{
    /// <summary>The files of the account are on this machine (no remote location).</summary>
    public const string Local = "local";

    public const string Sftp = "sftp";

    public static readonly IReadOnlyList<string> All = [Local, Sftp];

    /// <summary>Protocols Installatron Server knows that this product refuses: no maintained FTP library is available to it.</summary>
    public static readonly IReadOnlyList<string> Unsupported = ["ftp", "ftps", "ftpes"];
}
