using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// Backs up the site (minus <c>exclude_files</c>) with its tables, recorded in the backups table. A local site with
/// <c>bkloc = local</c>: into the account's content-addressed store (<see cref="StoreBackup"/>; contents of the installed
/// version's package referenced, contents already stored not written again). A remote site, or a remote <c>bkloc</c>: into
/// the account's store in the backups container (<see cref="BlobStoreBackups"/>; files hashed on the site's server, only
/// contents the store lacks transferred). A backup that cannot be verified stops the update.
/// </summary>
[DurableTask(TaskNames.Backup)]
public sealed class BackupActivity(
    UpdateWork work, BackupStore backups, StoreBackups stores, BlobStoreBackups blobStores, UpdateFaults faults, ILogger<BackupActivity> logger)
    : UpdateActivity<string>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Backup;

    /// <returns>The verified backup's ID.</returns>
    protected override async Task<string> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken cancellationToken)
    {
        var install = state.Install.Value;
        if (await backups.GetAsync(install.Id, input.TaskId, CancellationToken.None) is { Verified: true } done)
        {
            return done.Id;
        }

        var site = await state.SiteAsync(CancellationToken.None);
        var files = site.Files;
        var root = site.Root;
        var archive = site.ArchivePath;

        await faults.AtAsync(UpdateFaults.BeforeBackup, input.TaskId, CancellationToken.None);

        // The database first: if it cannot be dumped, no file is touched and nothing is archived. The dump (a file on
        // this machine) then goes into the same archive as the files, its table checksums into the manifest.
        var dump = Path.Join(site.WorkDirectory, Path.GetFileName(InstallDatabase.DumpPathFor(archive)));
        BackupAttachment[] attachments = [];
        try
        {
            if (await site.DatabaseAsync(CancellationToken.None) is { } database)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
                var tables = (await InstallDatabase.DumpAsync(database, install.Tables, dump, CancellationToken.None)).Tables;
                attachments = [new BackupAttachment(InstallDatabase.AttachmentName, dump, tables)];
            }
        }
        catch (DatabaseException e)
        {
            throw new UpdateStepException(e.Errcode, $"The database backup failed: {e.Message}");
        }

        BackupRecord record;
        try
        {
            record = site.UsesStore
                ? await StoreAsync(state, site, root, input.TaskId, attachments)
                : Record(state, input.TaskId, await blobStores.BackupAsync(state, site, root, input.TaskId, attachments, CancellationToken.None),
                    BackupRecord.BlobStoreFormat);
            if (File.Exists(dump))
            {
                File.Delete(dump);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException && !SiteFailures.IsTransient(e))
        {
            throw new UpdateStepException(ErrorCodes.FailedBackup, $"The backup of {files.Describe(root)} could not be written and verified: {e.Message}");
        }

        await backups.SaveAsync(record, null, CancellationToken.None);
        return record.Id;
    }

    /// <summary>Into the account's store: checked as it is written, the document published last.</summary>
    /// <remarks><paramref name="root"/>: the site as the step resolved it once (never read again: a link swapped in meanwhile is refused by the engine).</remarks>
    private async Task<BackupRecord> StoreAsync(UpdateState state, UpdateSite site, string root, string taskId, BackupAttachment[] attachments)
    {
        var install = state.Install.Value;
        var store = stores.Open(site);
        var package = await stores.InstalledPackageAsync(state.Installed, CancellationToken.None);
        var result = await StoreBackup.CreateAsync(site.Files, root, install.ExcludeFiles, store, store.DocumentPath(install.Id, taskId), package,
            attachments, CancellationToken.None);
        return Record(state, taskId, result, BackupRecord.StoreFormat);
    }

    /// <param name="result">A backup in the account's store on disk, or in the backups container (then its document's blob name).</param>
    private BackupRecord Record(UpdateState state, string taskId, StoreBackupResult result, string format)
    {
        var install = state.Install.Value;
        return new BackupRecord(taskId, install.Id, install.Bkloc, result.DocumentPath, result.DocumentSha256, result.Files, result.Bytes,
            install.Version, Work.Now, Verified: true)
        {
            Tables = TablesOf(result.Backup.Manifest),
            Format = format,
            StoredBytes = result.Backup.NewBytes,
        };
    }

    private static IReadOnlyList<TableChecksum>? TablesOf(SiteManifest manifest) =>
        manifest.Attachments?.SingleOrDefault(a => a.Name == InstallDatabase.AttachmentName)?.Tables;

    protected override UpdateTask Show(UpdateTask task, string backupId) => task with { BackupId = backupId, Progress = Math.Max(task.Progress, 35) };
}
