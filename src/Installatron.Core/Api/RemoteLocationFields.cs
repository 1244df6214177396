using System.Net;
using System.Text.RegularExpressions;
using Installatron.Core.Domain;
using Installatron.Core.Sites.Access.Sftp;

namespace Installatron.Core.Api;

/// <summary>A change of an account's remote location, with the secrets it logs in with from now on.</summary>
public sealed record RemoteChange(RemoteLocation? Remote, RemoteSecrets Secrets);

/// <summary>
/// The <c>remote_*</c> parameters of <c>POST /users</c> and <c>POST /users/{user}</c>: where the account's files are
/// when they live on another server (SFTP), and how to log in. Secrets (<c>remote_password</c>,
/// <c>remote_private_key</c>, <c>remote_private_key_passphrase</c>) are write-only; a message never holds one. FTP and
/// FTPS are refused: no maintained FTP library is available to this product.
/// </summary>
public static partial class RemoteLocationFields
{
    public const string Protocol = "remote_protocol";
    public const string Host = "remote_host";
    public const string Port = "remote_port";
    public const string Login = "remote_login";
    public const string HostKey = "remote_host_key";
    public const string Password = "remote_password";
    public const string PrivateKey = "remote_private_key";
    public const string Passphrase = "remote_private_key_passphrase";

    public static readonly IReadOnlyList<string> Names = [Protocol, Host, Port, Login, HostKey, Password, PrivateKey, Passphrase];

    private const string FtpRefused =
        "names FTP, which this product does not support: no maintained FTP library is available to it. Use sftp (every SSH server offers it), with the server's host key fingerprint";

    /// <summary>The change the request asks for; <c>null</c> when it has no <c>remote_*</c> parameter.</summary>
    /// <param name="stored">The secrets stored for the account's current location.</param>
    public static RemoteChange? Read(RequestFields fields, RemoteLocation? current, RemoteSecrets stored)
    {
        if (!Names.Any(fields.Has))
        {
            return null;
        }

        var (hostText, urlLogin, urlPort) = HostOf(fields.String(Host)?.Trim());
        var protocol = fields.String(Protocol)?.Trim().ToLowerInvariant() ?? (hostText is not null ? RemoteProtocols.Sftp : current?.Protocol)
            ?? throw RequestFields.Invalid(Protocol, "is required to give an account a remote location (sftp)");
        if (RemoteProtocols.Unsupported.Contains(protocol))
        {
            throw RequestFields.Invalid(Protocol, FtpRefused);
        }

        if (protocol == RemoteProtocols.Local)
        {
            if (Names.Where(n => n != Protocol).FirstOrDefault(fields.Has) is { } extra)
            {
                throw RequestFields.Invalid(extra, $"does not apply: {Protocol} is local (the account's files are on this machine)");
            }

            return new RemoteChange(null, RemoteSecrets.None);
        }

        if (protocol != RemoteProtocols.Sftp)
        {
            throw RequestFields.Invalid(Protocol, "must be sftp, or local for an account whose files are on this machine");
        }

        var location = new RemoteLocation
        {
            Protocol = protocol,
            Host = HostName(hostText ?? current?.Host ?? throw RequestFields.Invalid(Host, "is required: the SSH server's name or address")),
            Port = urlPort ?? (int)fields.Long(Port, current?.Port ?? RemoteLocation.DefaultPort, 1, 65535),
            Login = LoginName(fields.String(Login) ?? urlLogin ?? current?.Login ?? throw RequestFields.Invalid(Login, "is required: the SSH login")),
            HostKey = HostKeyFingerprint.Normalize(fields.String(HostKey)?.Trim() ?? current?.HostKey)
                ?? throw RequestFields.Invalid(HostKey, "must be the SSH server's host key fingerprint as 'ssh-keygen -lf' prints it (SHA256: and 43 base64 characters)"),
        };
        var secrets = Secrets(fields, location.IsSameServer(current) ? stored : RemoteSecrets.None, hadSecrets: stored.HasPassword || stored.HasPrivateKey);
        return new RemoteChange(location with { PasswordSet = secrets.HasPassword, PrivateKeySet = secrets.HasPrivateKey }, secrets);
    }

    /// <summary>The secrets given, over those kept (only for the same server and login); an empty value removes one.</summary>
    private static RemoteSecrets Secrets(RequestFields fields, RemoteSecrets kept, bool hadSecrets)
    {
        string? Given(string name) => fields.Has(name) ? fields.String(name) is { Length: > 0 } value ? value : null : null;

        var password = fields.Has(Password) ? Given(Password) : kept.Password;
        var privateKey = fields.Has(PrivateKey) ? Given(PrivateKey) : kept.PrivateKey;
        var passphrase = fields.Has(Passphrase) ? Given(Passphrase) : fields.Has(PrivateKey) ? null : kept.PrivateKeyPassphrase;
        if (passphrase is not null && privateKey is null)
        {
            throw RequestFields.Invalid(Passphrase, $"is given without {PrivateKey}");
        }

        if ((fields.Has(PrivateKey) || fields.Has(Passphrase)) && privateKey is not null && !SshPrivateKeys.CanRead(privateKey, passphrase))
        {
            throw RequestFields.Invalid(PrivateKey,
                $"cannot be read: it must be an OpenSSH private key (the text of its file), and {Passphrase} must be the passphrase that opens it");
        }

        if (password is null && privateKey is null)
        {
            throw RequestFields.Invalid(Password, hadSecrets && !fields.Has(Password) && !fields.Has(PrivateKey)
                ? $"(or {PrivateKey}) must be given again: the server or the login changed, and a secret is only ever sent to the server it was given for"
                : $"or {PrivateKey} is required to log in");
        }

        return new RemoteSecrets(password, privateKey, passphrase);
    }

    /// <summary>A host given as <c>sftp://login@host:port</c> is taken apart; <c>ftp://</c> and <c>ftps://</c> are refused.</summary>
    private static (string? Host, string? Login, int? Port) HostOf(string? text)
    {
        if (text is null || !text.Contains("://", StringComparison.Ordinal))
        {
            return (text, null, null);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw RequestFields.Invalid(Host, "is not a host name, an address or an sftp:// URL");
        }

        var scheme = uri.Scheme.ToLowerInvariant();
        if (RemoteProtocols.Unsupported.Contains(scheme))
        {
            throw RequestFields.Invalid(Host, FtpRefused);
        }

        if (scheme is not (RemoteProtocols.Sftp or "ssh"))
        {
            throw RequestFields.Invalid(Host, $"is a {scheme}:// URL; only sftp:// is accepted");
        }

        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            // A path belongs in 'home' or in an install's 'path'; a password never in a URL.
            throw RequestFields.Invalid(Host, "must be sftp://login@host:port without a path or a password (give home, and remote_password or remote_private_key)");
        }

        return (uri.IdnHost, uri.UserInfo.Length > 0 ? Uri.UnescapeDataString(uri.UserInfo) : null, uri.IsDefaultPort || uri.Port < 0 ? null : uri.Port);
    }

    private static string HostName(string host)
    {
        var name = host.Trim().TrimStart('[').TrimEnd(']').ToLowerInvariant();
        return IPAddress.TryParse(name, out _) || Ids.IsValidDomain(name) || SingleLabel().IsMatch(name)
            ? name
            : throw RequestFields.Invalid(Host, "must be a host name or an IP address");
    }

    private static string LoginName(string login) =>
        LoginPattern().IsMatch(login) ? login : throw RequestFields.Invalid(Login, "must be 1 to 64 letters, digits, '.', '_', '-' or '@', not starting with '-'");

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex LoginPattern();

    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SingleLabel();
}
