using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// Makes the site byte-identical to the backup taken before the update (files the update added removed), verified,
/// with its tables restored. The archive is read where it was written (the site's own server for a remote site),
/// fetched back from the backups container first when only that copy is left.
/// </summary>
[DurableTask(TaskNames.Revert)]
public sealed class RevertActivity(UpdateWork work, BackupStore backups, UpdateFaults faults, ILogger<RevertActivity> logger)
    : UpdateActivity<bool>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Revert;

    protected override async Task<bool> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        await faults.AtAsync(UpdateFaults.BeforeRevert, input.TaskId, ct);
        var site = await state.SiteAsync(ct);
        var files = site.Files;
        var root = site.Root;
        var backup = await backups.GetAsync(input.InstallId, input.TaskId, ct)
            ?? throw new UpdateStepException(ErrorCodes.FailedRevert, "There is no backup of this update to revert to.");
        try
        {
            var archive = site.Connection.IsRemote ? await EnsureOnSiteAsync(files, backup, ct) : await backups.EnsureLocalAsync(backup, ct);
            if (backup.Tables is not null && await site.DatabaseAsync(ct) is { } database)
            {
                var dump = site.Connection.IsRemote ? Path.Join(site.WorkDirectory, "revert.tables.jsonl.gz") : InstallDatabase.DumpPathFor(archive);
                Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
                var stored = await SiteBackup.ExtractAttachmentAsync(files, archive, InstallDatabase.AttachmentName, dump, ct);
                try
                {
                    await InstallDatabase.RestoreAsync(database, dump, stored.Tables ?? backup.Tables, ct);
                }
                finally
                {
                    File.Delete(dump);
                }
            }

            await SiteRestore.RestoreAsync(files, archive, root, state.Install.Value.ExcludeFiles, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException or DatabaseException
            && !SiteFailures.IsTransient(e))
        {
            throw new UpdateStepException(ErrorCodes.FailedRevert, $"Restoring {files.Describe(root)} from the backup failed: {e.Message}");
        }

        return true;
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
