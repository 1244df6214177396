using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;

namespace Installatron.Sites.Tests.Support;

/// <summary>A WordPress-shaped site, an empty backup store and the installed version's package, in a directory of their own.</summary>
public sealed class StoreSite : IDisposable
{
    public StoreSite()
    {
        Site = Temp["site"];
        WordPressFixture.WriteSite(Site);
        Store = ContentStore.Open(Temp["backups"]);
        Directory.CreateDirectory(Temp["packages"]);
        var zip = WordPressFixture.WritePackage(Temp["packages"], WordPressFixture.OldVersion);
        Package = new PackageSource(zip, new PackageReference("wordpress", WordPressFixture.OldVersion, StoreBackupTests.Sha256Of(zip)));
    }

    public TempDirectory Temp { get; } = new();

    public string Site { get; }

    public ContentStore Store { get; }

    public PackageSource Package { get; }

    /// <summary>A backup of <see cref="Site"/> (or <paramref name="site"/>) by install <c>install1</c>'s task <paramref name="task"/>.</summary>
    public Task<StoreBackupResult> BackupAsync(string task, string? site = null) =>
        StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, site ?? Site, [], Store, Store.DocumentPath("install1", task), Package, [], CancellationToken.None);

    public Task<RestoreResult> RestoreAsync(string task) =>
        StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, Store, Store.DocumentPath("install1", task), Package.ZipPath, Site, [], CancellationToken.None);

    public void Dispose() => Temp.Dispose();
}
