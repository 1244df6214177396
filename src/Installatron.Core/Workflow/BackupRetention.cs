using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// Keeps an install's newest <see cref="InstallatronOptions.BackupsKept"/> backups and those of unfinished tasks; each
/// other one is removed (its document or archive first, then its row: a crash in between leaves a row whose files are
/// gone, removed again next time, never files nothing names). Then the account's store is collected
/// (<see cref="StoreCollector"/>, grace <see cref="InstallatronOptions.BackupGraceHours"/>). Runs when an update ends.
/// </summary>
public sealed partial class BackupRetention(
    BackupStore backups, TaskStore tasks, StoreBackups stores, BlobStoreBackups blobStores, IOptionsMonitor<InstallatronOptions> options, TimeProvider time,
    ILogger<BackupRetention> logger)
{
    /// <returns>The backups removed.</returns>
    public async Task<int> PruneAsync(UpdateSite site, string installId, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var backup in (await backups.ListAsync(installId, cancellationToken)).Skip(options.CurrentValue.BackupsKept))
        {
            if ((await tasks.GetAsync(backup.Id, cancellationToken))?.Value is { IsFinished: false })
            {
                continue;
            }

            if (backup.InBlobStore)
            {
                await blobStores.RemoveAsync(site, backup, cancellationToken);
            }
            else
            {
                RemoveFiles(site, backup);
            }

            await backups.DeleteAsync(backup, cancellationToken);
            LogRemoved(logger, installId, backup.Id);
            removed++;
        }

        if (site.UsesStore)
        {
            var result = await StoreCollector.CollectAsync(stores.Open(site), TimeSpan.FromHours(options.CurrentValue.BackupGraceHours), time, cancellationToken);
            LogCollected(logger, installId, result.Busy, result.ObjectsRemoved, result.BytesRemoved);
        }
        else
        {
            var result = await blobStores.CollectAsync(site, cancellationToken);
            LogCollected(logger, installId, result.Busy, result.ObjectsRemoved, result.BytesRemoved);
        }

        return removed;
    }

    /// <summary>The backup's document (store) or archive, where it was written: this machine, or the site's own server.</summary>
    private static void RemoveFiles(UpdateSite site, BackupRecord backup)
    {
        var files = backup.InStore ? LocalSiteFileSystem.Instance : site.Files;
        if (files.Stat(backup.ArchivePath).Kind == EntryKind.File)
        {
            files.DeleteFile(backup.ArchivePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {BackupId} of install {InstallId} removed (retention).")]
    private static partial void LogRemoved(ILogger logger, string installId, string backupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup store of install {InstallId} collected: busy {Busy}, {Objects} object(s), {Bytes} byte(s) removed.")]
    private static partial void LogCollected(ILogger logger, string installId, bool busy, long objects, long bytes);
}
