using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// Opens the file system an account's sites live on: this machine's, or its remote location's over SSH (the host key
/// pinned, the secrets decrypted only here, timeouts and keep-alive from the settings). One connection serves a
/// whole step. Failures to connect are the engine's <see cref="RemoteHostException"/> and
/// <see cref="RemoteLoginException"/>; <see cref="SiteFailures"/> turns them into errcodes.
/// </summary>
public sealed class SiteAccess(UserStore users, IOptionsMonitor<InstallatronOptions> options)
{
    public async Task<SiteConnection> OpenAsync(HostingUser owner, CancellationToken cancellationToken)
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
        return new SiteConnection(owner, await SftpSiteFileSystem.ConnectAsync(ssh, cancellationToken));
    }
}
