using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// An update's site for one step: its file system, and its folders resolved there again on every read
/// (<see cref="SiteConnection"/>): a symbolic link swapped in between two reads cannot lead a step outside the owner's
/// home; such a folder fails the step with <c>failed_filesystem_permission</c> (<c>failed_filesystem_ondemand</c>
/// outside the account's allowed paths).
/// </summary>
public sealed class UpdateSite(UpdateState state, SiteConnection connection)
{
    public SiteConnection Connection { get; } = connection;

    public ISiteFileSystem Files => Connection.Files;

    /// <summary>The real path of the site; read it once per step and work on that.</summary>
    public string Root => Step(() => Connection.SiteRoot(state.Install.Value.Path));

    public string StagingDirectory => Step(() => Connection.StagingDirectory(state.Task.Value.Id));

    /// <summary>Where the backup archive is written: the account's backup folder on the site's own server.</summary>
    public string ArchivePath => Step(() => Connection.ArchivePath(state.Install.Value.Id, state.Task.Value.Id));

    /// <summary>
    /// True when the backup goes to the account's content-addressed store on this machine's disk: a site on this machine
    /// with <c>bkloc = local</c>. A remote site and a remote <c>bkloc</c> use the account's store in the backups container
    /// (<see cref="BlobStoreBackups"/>; docs/site-files.md says why).
    /// </summary>
    public bool UsesStore => !Connection.IsRemote && state.Install.Value.Bkloc == BackupLocations.Local;

    /// <summary>The account's backup store (local sites only).</summary>
    public string StoreRoot => Step(Connection.StoreRoot);

    /// <summary>A folder on this machine for the update's packages and dump (the staging folder itself for a local site).</summary>
    public string WorkDirectory => Step(() => Connection.WorkDirectory(state.Task.Value.Id));


    /// <summary>The install's database as this process reaches it (through the SSH connection for a remote site); <c>null</c> when it has none.</summary>
    public async Task<DatabaseConnection?> DatabaseAsync(CancellationToken cancellationToken) =>
        InstallDatabase.For(state.Install.Value) is { } database ? await Connection.DatabaseAsync(database, cancellationToken) : null;

    private static string Step(Func<string> resolve)
    {
        try
        {
            return resolve();
        }
        catch (Refusal refusal)
        {
            throw UpdateStepException.From(refusal);
        }
    }
}
