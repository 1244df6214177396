using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Makes an install's site and tables what one of its backups holds, for the revert step and for a restore on request.
/// A backup in the account's store is restored in one pass (<see cref="StoreRestore"/>; the installed version's package
/// fetched again from the catalog when the backup takes contents from it); one in the account's store in the backups
/// container (remote sites, remote <c>bkloc</c>) the same way once its document and objects are downloaded; a tar.gz
/// archive (older backups) is read where it was written (the site's own server for a remote site), fetched back from the
/// backups container first when only that copy is left. Failures carry <c>errcode</c> (the step's own).
/// </summary>
public sealed class SiteRestorer(BackupStore backups, StoreBackups stores, BlobStoreBackups blobStores, SiteOpcache opcache, TimeProvider time)
{
    public async Task RestoreAsync(UpdateState state, BackupRecord backup, string errcode, CancellationToken ct)
    {
        var site = await state.SiteAsync(ct);
        var files = site.Files;
        var root = site.Root;
        var excludes = state.Install.Value.ExcludeFiles;
        try
        {
            if (backup.InStore)
            {
                var store = stores.Open(site);
                var package = await stores.PackageForAsync(backup.ArchivePath, ct);
                await RestoreTablesAsync(site, backup, Path.Join(site.WorkDirectory, "restore.tables.jsonl.gz"),
                    dump => StoreRestore.ExtractAttachmentAsync(store, backup.ArchivePath, InstallDatabase.AttachmentName, dump, ct), ct);
                await SettledAsync(state, site, await StoreRestore.RestoreAsync(files, store, backup.ArchivePath, package, root, excludes, ct), ct);
                return;
            }

            if (backup.InBlobStore)
            {
                var dumpAt = Path.Join(site.WorkDirectory, "restore.tables.jsonl.gz");
                await SettledAsync(state, site, await blobStores.RestoreAsync(site, root, backup, excludes,
                    extract => RestoreTablesAsync(site, backup, dumpAt, extract, ct), ct), ct);
                return;
            }

            var archive = site.Connection.IsRemote ? await EnsureOnSiteAsync(files, backup, ct) : await backups.EnsureLocalAsync(backup, ct);
            var dumpPath = site.Connection.IsRemote ? Path.Join(site.WorkDirectory, "revert.tables.jsonl.gz") : InstallDatabase.DumpPathFor(archive);
            await RestoreTablesAsync(site, backup, dumpPath,
                dump => SiteBackup.ExtractAttachmentAsync(files, archive, InstallDatabase.AttachmentName, dump, ct), ct);
            await SettledAsync(state, site, await SiteRestore.RestoreAsync(files, archive, root, excludes, ct), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException or DatabaseException
            && !SiteFailures.IsTransient(e))
        {
            throw new UpdateStepException(errcode, $"Restoring {files.Describe(root)} from the backup failed: {e.Message}");
        }
    }

    /// <summary>
    /// When files changed, the restore ends only once PHP's OPcache serves them: a task that says "restored" means the
    /// site runs the restored files, not compiled copies of the ones they replaced. The site's PHP is asked to drop its
    /// compiled copies (<see cref="SiteOpcache"/>, as the health step does); only when it cannot say it did does the
    /// restore wait until OPcache revalidates by itself (<see cref="Activities.HealthCheckActivity.OpcacheRevalidation"/>).
    /// </summary>
    private async Task SettledAsync(UpdateState state, UpdateSite site, RestoreResult result, CancellationToken ct)
    {
        if (result.FilesWritten + result.EntriesRemoved > 0
            && !await opcache.RefreshAsync(site.Files, site.Root, state.Install.Value, state.Task.Value.Id, ct))
        {
            await Task.Delay(Activities.HealthCheckActivity.OpcacheRevalidation, time, ct);
        }
    }

    /// <summary>The tables first (as the backup took them first): the dump extracted to <paramref name="dump"/>, checked, loaded, removed.</summary>
    private static async Task RestoreTablesAsync(
        UpdateSite site, BackupRecord backup, string dump, Func<string, Task<ManifestAttachment>> extract, CancellationToken ct)
    {
        if (backup.Tables is null || await site.DatabaseAsync(ct) is not { } database)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
        var stored = await extract(dump);
        try
        {
            await InstallDatabase.RestoreAsync(database, dump, stored.Tables ?? backup.Tables, ct);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    /// <summary>The archive on the site's server, written back there from the backups container when only that copy is left.</summary>
    private async Task<string> EnsureOnSiteAsync(ISiteFileSystem files, BackupRecord backup, CancellationToken ct)
    {
        if (files.FileExists(backup.ArchivePath) || backup.Location == BackupLocations.Local)
        {
            return backup.ArchivePath;
        }

        var partial = backup.ArchivePath + SiteBackup.PartialSuffix;
        files.CreateDirectories(Path.GetDirectoryName(backup.ArchivePath)!);
        files.DeleteTree(partial);
        await using (var target = await files.CreateNewAsync(partial, ct))
        {
            await backups.DownloadAsync(backup, target, ct);
        }

        files.Rename(partial, backup.ArchivePath);
        return backup.ArchivePath;
    }
}
