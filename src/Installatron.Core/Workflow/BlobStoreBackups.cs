using Installatron.Core.Databases;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Core.Sites.Store.Blob;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// The steps' way to an account's backup store in the backups container (<see cref="BlobContentStore"/>): used by a
/// remote site, and by any install whose <c>bkloc</c> is not <c>local</c> (docs/site-files.md, "Backup store of a remote
/// account"). Backup, restore and collection work in a store on this machine in the task's work folder, removed after.
/// </summary>
public sealed class BlobStoreBackups(InstallatronTables tables, StoreBackups stores, IOptionsMonitor<InstallatronOptions> options, TimeProvider time)
{
    /// <summary>The account's store in the container (created when missing).</summary>
    public async Task<BlobContentStore> OpenAsync(UpdateSite site)
    {
        await tables.EnsureCreatedAsync();
        return new BlobContentStore(tables.BackupBlobs, site.Connection.Owner.User);
    }

    private TimeSpan Grace => TimeSpan.FromHours(options.CurrentValue.BackupGraceHours);

    /// <summary>Backs the site up into the account's store in the container (<see cref="BlobStoreBackup"/>).</summary>
    public async Task<StoreBackupResult> BackupAsync(UpdateState state, UpdateSite site, string root, string taskId, BackupAttachment[] attachments, CancellationToken ct)
    {
        var install = state.Install.Value;
        var store = await OpenAsync(site);
        var package = await stores.InstalledPackageAsync(state.Installed, ct);
        var staging = Scratch(site, "backup");
        try
        {
            return await BlobStoreBackup.CreateAsync(site.Files, root, install.ExcludeFiles, store, install.Id, taskId, package, attachments,
                new BlobBackupOptions(staging, Grace, time), ct);
        }
        finally
        {
            Directory.Delete(staging.Root, recursive: true);
        }
    }

    /// <summary>Restores the site and its tables from a backup in the container (<see cref="BlobStoreRestore"/>, then <see cref="StoreRestore"/>).</summary>
    public async Task<RestoreResult> RestoreAsync(
        UpdateSite site, string root, BackupRecord backup, IReadOnlyList<string> excludes, Func<Func<string, Task<ManifestAttachment>>, Task> restoreTables,
        CancellationToken ct)
    {
        var store = await OpenAsync(site);
        var local = Scratch(site, "restore");
        try
        {
            var document = await BlobStoreRestore.FetchAsync(store, backup.ArchivePath, local, ct);
            var package = await stores.PackageForAsync(document, ct);
            await restoreTables(dump => StoreRestore.ExtractAttachmentAsync(local, document, InstallDatabase.AttachmentName, dump, ct));
            return await StoreRestore.RestoreAsync(site.Files, local, document, package, root, excludes, ct);
        }
        finally
        {
            Directory.Delete(local.Root, recursive: true);
        }
    }

    public async Task<CollectResult> CollectAsync(UpdateSite site, CancellationToken ct)
    {
        var store = await OpenAsync(site);
        var scratch = Scratch(site, "collect");
        try
        {
            return await BlobStoreCollector.CollectAsync(store, scratch, Grace, time, ct);
        }
        finally
        {
            Directory.Delete(scratch.Root, recursive: true);
        }
    }

    /// <summary>Removes a backup's document from the container (its objects go with the next collection).</summary>
    public async Task RemoveAsync(UpdateSite site, BackupRecord backup, CancellationToken ct) =>
        await (await OpenAsync(site)).DeleteAsync(backup.ArchivePath, ct);

    private static ContentStore Scratch(UpdateSite site, string job) =>
        ContentStore.Open(Path.Join(site.WorkDirectory, $"blob-store-{job}-{Guid.NewGuid():N}"));
}
