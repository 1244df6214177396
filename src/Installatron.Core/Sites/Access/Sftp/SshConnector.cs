using System.Net.Sockets;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// Opens SSH connections to a site's server with its pinned host key and the account's credentials, and turns
/// SSH.NET's failures into the engine's: <see cref="RemoteHostException"/> (unreachable, refused, DNS, timeout, host
/// key not the pinned one) and <see cref="RemoteLoginException"/> (login refused). No message names a secret.
/// </summary>
internal static class SshConnector
{
    public static async Task<T> ConnectAsync<T>(SshSiteSettings settings, Func<ConnectionInfo, T> create, CancellationToken cancellationToken)
        where T : BaseClient
    {
        var pinned = HostKeyFingerprint.Normalize(settings.HostKeyFingerprint)
            ?? throw new RemoteHostException($"The host key fingerprint for {settings.Address} is not one 'ssh-keygen -lf' prints (SHA256:…).");
        var client = create(ConnectionInfoFor(settings));
        string? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = HostKeyFingerprint.FromSshNet(e.FingerPrintSHA256);
            e.CanTrust = string.Equals(seen, pinned, StringComparison.Ordinal);
        };
        if (settings.KeepAlive > TimeSpan.Zero)
        {
            client.KeepAliveInterval = settings.KeepAlive;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ConnectTimeout);
            await client.ConnectAsync(timeout.Token);
            return client;
        }
        catch (Exception e)
        {
            client.Dispose();
            throw Classify(settings, e, pinned, seen, cancellationToken);
        }
    }

    /// <summary>Turns a failure of an established connection (dropped, timed out) into the engine's exception; other exceptions are returned as they are.</summary>
    public static Exception Dropped(SshSiteSettings settings, Exception e) => e switch
    {
        SshConnectionException or SocketException or SshOperationTimeoutException or ObjectDisposedException =>
            new RemoteHostException($"The connection to {settings.Address} failed during the operation: {e.Message}", e),
        _ => e,
    };

    private static Exception Classify(SshSiteSettings settings, Exception e, string pinned, string? seen, CancellationToken cancellationToken)
    {
        if (seen is not null && seen != pinned)
        {
            return new RemoteHostException(
                $"The server {settings.Address} presented the host key {seen}, not the pinned {pinned}; refusing to connect (if the server's key really changed, set the new fingerprint).", e);
        }

        return e switch
        {
            SshAuthenticationException => new RemoteLoginException($"The server {settings.Address} refused the login of '{settings.Login}' ({e.Message}).", e),
            SocketException socket => new RemoteHostException($"{settings.Address} cannot be reached: {socket.SocketErrorCode} ({socket.Message}).", e),
            OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                new RemoteHostException($"{settings.Address} did not answer within {settings.ConnectTimeout.TotalSeconds:0} s.", e),
            SshOperationTimeoutException => new RemoteHostException($"{settings.Address} did not answer in time: {e.Message}", e),
            SshConnectionException or SshException or IOException => new RemoteHostException($"The SSH connection to {settings.Address} failed: {e.Message}", e),
            _ => e,
        };
    }

    /// <summary>The private key read with its passphrase; <c>null</c> when it cannot be (the key's text is never part of a message).</summary>
    internal static PrivateKeyFile? ReadPrivateKey(string privateKey, string? passphrase)
    {
        try
        {
            using var text = new MemoryStream(Encoding.UTF8.GetBytes(privateKey));
            return string.IsNullOrEmpty(passphrase) ? new PrivateKeyFile(text) : new PrivateKeyFile(text, passphrase);
        }
        catch (Exception e) when (e is SshException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    private static ConnectionInfo ConnectionInfoFor(SshSiteSettings settings)
    {
        var methods = new List<AuthenticationMethod>();
        if (!string.IsNullOrEmpty(settings.PrivateKey))
        {
            var key = ReadPrivateKey(settings.PrivateKey, settings.PrivateKeyPassphrase)
                ?? throw new RemoteLoginException($"The private key for {settings.Address} cannot be read (wrong passphrase, or not an OpenSSH private key).");
            methods.Add(new PrivateKeyAuthenticationMethod(settings.Login, key));
        }

        if (!string.IsNullOrEmpty(settings.Password))
        {
            methods.Add(new PasswordAuthenticationMethod(settings.Login, settings.Password));
        }

        if (methods.Count == 0)
        {
            throw new RemoteLoginException($"No password or private key is set for {settings.Address}.");
        }

        return new ConnectionInfo(settings.Host, settings.Port, settings.Login, [.. methods]) { Timeout = settings.ConnectTimeout };
    }
}
