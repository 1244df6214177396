using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Access.Sftp;

namespace Installatron.Core.Workflow;

/// <summary>
/// An account's sites as one step sees them: the file system they are on (<see cref="Files"/>, one connection for
/// the step) and the folders of the account resolved there. Every folder is resolved with every link followed on
/// that file system (for a remote one, with the server's own <c>realpath</c>) and must stay inside the account's home;
/// an install's folder must also lie under one of the account's <see cref="HostingUser.AllowedPaths"/> when it has
/// any. Refusals carry the seed's errcodes (<c>failed_filesystem_permission</c>, <c>failed_filesystem_ondemand</c>).
/// The site's database is reached as the site's server sees it: through SSH port forwarding for a remote one.
/// </summary>
public sealed class SiteConnection(HostingUser owner, ISiteFileSystem files, SshConnectionPool? pool = null) : IAsyncDisposable
{
    private readonly Dictionary<(string Host, int Port), int> _tunnels = [];
    private bool _discarded;

    public HostingUser Owner { get; } = owner;

    public ISiteFileSystem Files { get; } = files;

    public bool IsRemote => Files is not LocalSiteFileSystem;

    /// <summary>How messages name a path there (<c>sftp://login@host:22/home/…</c> for a remote one).</summary>
    public string Describe(string path) => Files.Describe(path);

    /// <summary>The account's home, with its real path; refused (permission) when it is not set or does not exist.</summary>
    public AccountFolder Account() => Guard(() => AccountFolder.Open(Files, Owner.Home));

    /// <summary>The real path of an install's folder: inside the home, and under an allowed path when the account has a list of them.</summary>
    public string SiteRoot(string path, string what = "The install's folder")
    {
        var real = Guard(() => Account().Resolve(path, what));
        if (Owner.AllowedPaths.Count > 0 && !Owner.AllowedPaths.Any(allowed => SitePaths.IsSameOrUnder(real, RealPathOf(allowed))))
        {
            throw new Refusal(ErrorCodes.FailedFilesystemOndemand, null,
                $"{what} {Describe(real)} is outside the paths the account '{Owner.User}' may use ({string.Join(", ", Owner.AllowedPaths)}).");
        }

        return real;
    }

    /// <summary>Where an update stages its packages on the site's file system.</summary>
    public string StagingDirectory(string taskId) => Guard(() => BackupLocations.StagingDirectory(Account(), taskId));

    /// <summary>Where <c>bkloc = local</c> keeps an install's backups: the account's own folder on the site's server.</summary>
    public string LocalBackupDirectory(string installId) => Guard(() => BackupLocations.LocalBackupDirectory(Account(), installId));

    /// <summary>The account's backup store: used for a local site whose <c>bkloc</c> is <c>local</c>.</summary>
    public string StoreRoot() => Guard(() => BackupLocations.StoreRoot(Account()));

    public string ArchivePath(string installId, string taskId) => Guard(() => BackupLocations.ArchivePath(Account(), installId, taskId));

    /// <summary>
    /// A folder on this machine for an update's own files (packages, the database dump): the staging folder for a
    /// local site, as always; a temporary folder here for a remote one, whose packages are read here.
    /// </summary>
    public string WorkDirectory(string taskId) =>
        IsRemote ? Path.Join(Path.GetTempPath(), "installatron-work", taskId) : StagingDirectory(taskId);

    /// <summary>
    /// <paramref name="database"/> as this process reaches it: as it is for a local site; for a remote one, through a
    /// port forwarded over the SSH connection to the host and port the site's server uses (its <c>localhost</c> is
    /// the server's). One tunnel per endpoint, open until the connection is disposed.
    /// </summary>
    public async Task<DatabaseConnection> DatabaseAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        if (Files is not SftpSiteFileSystem remote)
        {
            return database;
        }

        var (server, port, socket) = database.Resolve();
        if (socket)
        {
            throw new DatabaseException(DatabaseErrors.Host,
                $"The database of this site is at the socket {server} on {remote.Settings.Address}, which SSH port forwarding cannot reach from here; set db_host to the host:port the database server also listens on (usually 127.0.0.1:3306).");
        }

        (string Host, int Port) key = (server == "localhost" ? "127.0.0.1" : server, port);
        if (!_tunnels.TryGetValue(key, out var local))
        {
            local = _tunnels[key] = await remote.ForwardAsync(key.Host, key.Port, cancellationToken);
        }

        return database.Through("127.0.0.1", local, $"{database.Endpoint} on {remote.Settings.Address}");
    }

    /// <summary>Closes the connection when it is disposed rather than keeping it for the next step (after a failure nothing explains).</summary>
    public void Discard() => _discarded = true;

    public ValueTask DisposeAsync() =>
        pool is not null && Files is SftpSiteFileSystem remote ? pool.ReturnAsync(remote, reusable: !_discarded) : Files.DisposeAsync();

    private string RealPathOf(string path) => Guard(() => Files.RealPath(path));

    private static T Guard<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, null, e.Message);
        }
    }
}
