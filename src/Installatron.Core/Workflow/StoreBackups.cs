using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// The steps' way to an account's content-addressed backup store (<see cref="ContentStore"/>): opening it, the
/// installed version's package a backup references, and the same package again for a restore (both from this
/// machine's <see cref="PackageCache"/>).
/// </summary>
public sealed class StoreBackups(PackageCache packages)
{
    public ContentStore Open(UpdateSite site) => ContentStore.Open(site.StoreRoot);

    /// <summary>The installed version's package with its content index, for a backup to reference; null when the version is not in the catalog.</summary>
    public async Task<PackageSource?> InstalledPackageAsync(CatalogVersion? installed, CancellationToken cancellationToken) =>
        installed is null ? null : await packages.SourceAsync(installed, cancellationToken);

    /// <summary>
    /// The package a stored backup takes contents from; null when the backup needs none or the catalog no longer has
    /// that exact package (the restore then refuses, naming it).
    /// </summary>
    public async Task<string?> PackageForAsync(string documentPath, CancellationToken cancellationToken)
    {
        var (backup, _) = await StoredBackup.ParseAsync(documentPath, cancellationToken);
        return backup.Package is { } reference ? await packages.PathAsync(reference, cancellationToken) : null;
    }
}
