using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// The steps' way to an account's content-addressed backup store (<see cref="ContentStore"/>): opening it, the
/// installed version's package a backup references, and the same package fetched again from the catalog for a restore.
/// </summary>
public sealed class StoreBackups(CatalogStore catalog)
{
    public ContentStore Open(UpdateSite site) => ContentStore.Open(site.StoreRoot);

    /// <summary>The installed version's package, downloaded into the update's work folder, for a backup to reference; null when the version is not in the catalog.</summary>
    public async Task<PackageSource?> InstalledPackageAsync(UpdateSite site, CatalogVersion? installed, CancellationToken cancellationToken)
    {
        if (installed is null)
        {
            return null;
        }

        var path = site.PackagePath(installed);
        await catalog.DownloadPackageAsync(installed, path, cancellationToken);
        return new PackageSource(path, new PackageReference(installed.Application, installed.Version, installed.Package.Sha256));
    }

    /// <summary>
    /// The package a stored backup takes contents from, downloaded from the catalog; null when the backup needs none or
    /// the catalog no longer has that exact package (the restore then refuses, naming it).
    /// </summary>
    public async Task<string?> PackageForAsync(UpdateSite site, string documentPath, CancellationToken cancellationToken)
    {
        var (backup, _) = await StoredBackup.ParseAsync(documentPath, cancellationToken);
        if (backup.Package is not { } reference
            || await catalog.GetVersionAsync(reference.Application, reference.Version, cancellationToken) is not { } version
            || version.Package.Sha256 != reference.Sha256)
        {
            return null;
        }

        var path = site.PackagePath(version);
        await catalog.DownloadPackageAsync(version, path, cancellationToken);
        return path;
    }
}
