using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// Opens the file system an account's sites live on: this machine's, or its remote location's over SSH (the host key
/// pinned, the secrets decrypted only here, timeouts and keep-alive from the settings). One connection serves a
/// whole step, and is kept open for the account's next step for <c>Installatron__SshPoolIdleSeconds</c>
/// (<see cref="SshConnectionPool"/>): an update connects once, not once per step. Failures to connect are the engine's <see cref="RemoteHostException"/> and
/// <see cref="RemoteLoginException"/>; <see cref="SiteFailures"/> turns them into errcodes.
/// </summary>
public sealed class SiteAccess(UserStore users, IOptionsMonitor<InstallatronOptions> options, TimeProvider time) : IAsyncDisposable
{
    private readonly SshConnectionPool _pool = new(TimeSpan.FromSeconds(Math.Max(0, options.CurrentValue.SshPoolIdleSeconds)), time);

    /// <summary>
    /// The account's sites' file system; <paramref name="fresh"/> makes a new connection (a dry run proves the login
    /// now, not when a kept connection was made), which is kept afterwards like any other.
    /// </summary>
    public async Task<SiteConnection> OpenAsync(HostingUser owner, CancellationToken cancellationToken, bool fresh = false)
    {
        if (owner.Remote is not { } remote)
        {
            return new SiteConnection(owner, LocalSiteFileSystem.Instance);
        }

        var secrets = await users.GetRemoteSecretsAsync(owner.User, cancellationToken);
        var settings = options.CurrentValue;
        var ssh = new SshSiteSettings(remote.Host, remote.Port, remote.Login, remote.HostKey)
        {
            Password = secrets.Password,
            PrivateKey = secrets.PrivateKey,
            PrivateKeyPassphrase = secrets.PrivateKeyPassphrase,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, settings.SshConnectTimeoutSeconds)),
            OperationTimeout = TimeSpan.FromSeconds(Math.Max(1, settings.SshOperationTimeoutSeconds)),
            KeepAlive = TimeSpan.FromSeconds(Math.Max(0, settings.SshKeepAliveSeconds)),
        };
        var files = fresh ? await SftpSiteFileSystem.ConnectAsync(ssh, cancellationToken) : await _pool.RentAsync(ssh, cancellationToken);
        return new SiteConnection(owner, files, _pool);
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
