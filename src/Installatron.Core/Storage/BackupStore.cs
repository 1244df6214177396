using Azure.Data.Tables;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;

namespace Installatron.Core.Storage;

/// <summary>A verified backup of an install, taken by one update task.</summary>
public sealed record BackupRecord(
    string Id, string InstallId, string Location, string ArchivePath, string Sha256, long Files, long Bytes, string Version, long Time, bool Verified)
{
    /// <summary>The install's tables in the backup (inside the archive), with their checksums from its manifest; <c>null</c> when none.</summary>
    public IReadOnlyList<TableChecksum>? Tables { get; init; }

    /// <summary>
    /// <see cref="StoreFormat"/> when the backup is a document of the account's content-addressed store on disk
    /// (<see cref="ArchivePath"/> is then that document), <see cref="BlobStoreFormat"/> in the backups container (remote
    /// sites and remote <c>bkloc</c>); <c>null</c> for a tar.gz archive (older backups).
    /// </summary>
    public string? Format { get; init; }

    /// <summary>Bytes the backup added to its store (compressed), or the archive's size; what keeping it costs at most.</summary>
    public long StoredBytes { get; init; }

    public const string StoreFormat = "store/1";

    /// <summary>A document of the account's store in the backups container (<see cref="ArchivePath"/> is its blob name).</summary>
    public const string BlobStoreFormat = "blob-store/1";

    public bool InStore => Format == StoreFormat;

    public bool InBlobStore => Format == BlobStoreFormat;
}

/// <summary>The backups index (partition = install, row = task) and, for remote locations, the archives in blob storage.</summary>
public sealed class BackupStore(InstallatronTables tables)
{
    public async Task<BackupRecord?> GetAsync(string installId, string taskId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return (await tables.Backups.GetAsync<BackupRecord>(installId, taskId, cancellationToken))?.Value;
    }

    /// <summary>An install's backups, newest first.</summary>
    public async Task<IReadOnlyList<BackupRecord>> ListAsync(string installId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var backups = new List<BackupRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {installId}");
        await foreach (var entity in tables.Backups.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            backups.Add(DocumentEntity.Read<BackupRecord>(entity).Value);
        }

        return backups.OrderByDescending(b => b.Time).ThenByDescending(b => b.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Forgets a backup: its uploaded archive (remote locations), then its row. Its files on disk are the caller's.</summary>
    public async Task DeleteAsync(BackupRecord backup, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (backup.Location != BackupLocations.Local && backup.Format is null)
        {
            await tables.BackupBlobs.GetBlobClient(BlobName(backup)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        await tables.Backups.DeleteEntityAsync(backup.InstallId, backup.Id, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Records the backup; a remote one is uploaded first (the archive stays where it was written until the update is
    /// finalized), read from <paramref name="openArchive"/> when the archive is not a file of this machine.
    /// </summary>
    public async Task SaveAsync(BackupRecord backup, Func<CancellationToken, Task<Stream>>? openArchive, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (backup.Location != BackupLocations.Local && backup.Format is null)
        {
            var blob = tables.BackupBlobs.GetBlobClient(BlobName(backup));
            if (openArchive is null)
            {
                await blob.UploadAsync(backup.ArchivePath, overwrite: true, cancellationToken);
            }
            else
            {
                await using var archive = await openArchive(cancellationToken);
                await blob.UploadAsync(archive, overwrite: true, cancellationToken);
            }
        }

        await tables.Backups.UpsertEntityAsync(DocumentEntity.Create(backup.InstallId, backup.Id, backup), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The archive on local disk, downloaded again from the backups container when only the remote copy is left.</summary>
    public async Task<string> EnsureLocalAsync(BackupRecord backup, CancellationToken cancellationToken)
    {
        if (File.Exists(backup.ArchivePath) || backup.Location == BackupLocations.Local)
        {
            return backup.ArchivePath;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(backup.ArchivePath)!);
        await tables.BackupBlobs.GetBlobClient(BlobName(backup)).DownloadToAsync(backup.ArchivePath + ".partial", cancellationToken);
        File.Move(backup.ArchivePath + ".partial", backup.ArchivePath, overwrite: true);
        return backup.ArchivePath;
    }

    /// <summary>Copies the uploaded archive of a remote backup into <paramref name="target"/> (for a site whose own copy is gone).</summary>
    public async Task DownloadAsync(BackupRecord backup, Stream target, CancellationToken cancellationToken) =>
        await tables.BackupBlobs.GetBlobClient(BlobName(backup)).DownloadToAsync(target, cancellationToken);

    private static string BlobName(BackupRecord backup) => $"{backup.InstallId}/{backup.Id}.tar.gz";
}
