using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Where an install's backups and staged packages live. A local site with <c>bkloc = local</c>: the account's store,
/// inside the account and outside the web root (<c>{home}/.appdata/backups</c>); a remote site (any <c>bkloc</c>) and
/// any other <c>bkloc</c>: the account's store in the backups blob container (docs/site-files.md says why). Older
/// tar.gz archives lie in <c>{home}/.appdata/backups/{install}</c> (on the site's server for a remote site) or in the
/// container. Staged packages stay next to the site's account.
/// </summary>
public sealed class BackupLocations(InstallatronTables tables)
{
    public const string Local = "local";

    /// <summary>The account's work folder, in its home and outside every web root.</summary>
    public const string AppDataFolder = ".appdata";

    /// <summary>Where <c>bkloc = local</c> keeps an install's backups, resolved inside the account's home.</summary>
    public static string LocalBackupDirectory(AccountFolder account, string installId) =>
        account.Resolve(Path.Join(AppDataFolder, "backups", installId), "The install's backup folder");

    /// <summary>The account's backup store (<c>{home}/.appdata/backups</c>): every install's backups, contents shared (docs/site-files.md).</summary>
    public static string StoreRoot(AccountFolder account) =>
        account.Resolve(Path.Join(AppDataFolder, "backups"), "The account's backup folder");

    /// <summary>Where an update stages its packages, resolved inside the account's home.</summary>
    public static string StagingDirectory(AccountFolder account, string taskId) =>
        account.Resolve(Path.Join(AppDataFolder, "staging", taskId), "The update's staging folder");

    /// <summary>The local archive path a backup is written to (then uploaded when remote).</summary>
    public static string ArchivePath(AccountFolder account, string installId, string taskId) =>
        Path.Join(LocalBackupDirectory(account, installId), $"{taskId}.tar.gz");

    /// <summary>
    /// Proves the backup location can be written (<c>dryrun=all</c>), leaving nothing behind: the account's backup
    /// folder for a local site with <c>bkloc = local</c>, the backups container otherwise.
    /// </summary>
    public async Task<ConnectionCheck> ProbeAsync(Install install, SiteConnection connection, CancellationToken cancellationToken)
    {
        if (install.Bkloc == Local && !connection.IsRemote)
        {
            var files = connection.Files;
            var directory = connection.LocalBackupDirectory(install.Id);
            try
            {
                files.CreateDirectories(directory);
                var probe = Path.Combine(directory, ".probe");
                if (files.Stat(probe).Kind != EntryKind.Missing)
                {
                    files.DeleteFile(probe);
                }

                await files.WriteNewTextAsync(probe, "", cancellationToken);
                files.DeleteFile(probe);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new Refusal(ErrorCodes.FailedFilesystemPermission, null, $"The backup folder {connection.Describe(directory)} cannot be written: {e.Message}");
            }

            return new ConnectionCheck("backup_location", connection.Describe(directory), "a probe file written and removed");
        }

        try
        {
            await tables.EnsureCreatedAsync();
            var blob = tables.BackupBlobs.GetBlobClient($"{install.Id}/.probe");
            await blob.UploadAsync(BinaryData.FromString(""), overwrite: true, cancellationToken);
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Azure.RequestFailedException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemHost, null, $"The backup location '{install.Bkloc}' cannot be reached: {e.ErrorCode ?? e.Status.ToString()}.");
        }

        return new ConnectionCheck("backup_location", $"{install.Bkloc}: the account's store in the backups container", "a probe blob written and removed");
    }
}
