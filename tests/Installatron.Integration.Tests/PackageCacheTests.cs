using System.Security.Cryptography;
using Installatron.Core;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Installatron.Integration.Tests;

/// <summary>This machine's verified copies of the catalog's packages (<see cref="PackageCache"/>), on Azurite.</summary>
public sealed class PackageCacheTests : IAsyncLifetime
{
    private const string Application = "wordpress";
    private readonly string _folder = Path.Join(TestIds.NewTempDirectory(), "packages");
    private ServiceProvider _services = null!;

    public async Task InitializeAsync() =>
        _services = CoreServices.For((await SharedAzurite.GetAsync()).ConnectionString, TestIds.NewPrefix());

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    [Fact]
    public async Task Path_DownloadedOnceIntoAnOwnerOnlyFolder_ThenServedFromTheCheckedCopy()
    {
        var version = await PublishAsync("6.7.2");
        var path = await NewCache().PathAsync(version, CancellationToken.None);

        Assert.Equal(Path.Join(_folder, version.Package.Sha256 + ".zip"), path);
        Assert.Equal(version.Package.Sha256, Sha256(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));

        // The catalog's blob gone: another process here (a new cache) hashes the copy and serves it, no download.
        await _services.GetRequiredService<InstallatronTables>().Packages.DeleteBlobAsync(version.Package.Blob);
        Assert.Equal(path, await NewCache().PathAsync(version, CancellationToken.None));
        Assert.Equal(version.Package.Sha256, Sha256(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task Path_CopyChangedOnDisk_DownloadedAgain()
    {
        var version = await PublishAsync("6.7.2");
        var cache = NewCache();
        var path = await cache.PathAsync(version, CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(path);

        // Same length, same time: only a hash tells; a process that has not hashed this copy does.
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);
        File.SetLastWriteTimeUtc(path, written);
        Assert.Equal(path, await NewCache().PathAsync(version, CancellationToken.None));
        Assert.Equal(version.Package.Sha256, Sha256(path));

        // Cut short: this process's own record of the copy no longer fits it either.
        await File.WriteAllBytesAsync(path, bytes[..100]);
        Assert.Equal(path, await cache.PathAsync(version, CancellationToken.None));
        Assert.Equal(version.Package.Sha256, Sha256(path));
    }

    [Fact]
    public async Task Path_FolderOthersMayWrite_Refused()
    {
        var version = await PublishAsync("6.7.2");
        Directory.CreateDirectory(_folder);
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NewCache().PathAsync(version, CancellationToken.None));
        Assert.Contains("Installatron__PackageCache", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task Path_CopiesUnusedForAWeek_AndDayOldPartials_RemovedWhenAnotherIsDownloaded_UsedOnesKept()
    {
        var (old, used, latest) = (await PublishAsync("6.7.1"), await PublishAsync("6.7.2"), await PublishAsync("6.7.3"));
        var cache = NewCache();
        var oldPath = await cache.PathAsync(old, CancellationToken.None);
        var usedPath = await cache.PathAsync(used, CancellationToken.None);
        await File.WriteAllTextAsync(Path.ChangeExtension(oldPath, ".index.json"), "{}");
        var cutShort = Path.Join(_folder, "cut-short.zip.0123.partial");
        await File.WriteAllTextAsync(cutShort, "half a download");
        File.SetLastWriteTimeUtc(cutShort, DateTime.UtcNow - TimeSpan.FromDays(2));
        var beingWritten = Path.Join(_folder, "being-written.zip.4567.partial");
        await File.WriteAllTextAsync(beingWritten, "a download under way");
        File.SetLastWriteTimeUtc(oldPath, DateTime.UtcNow - PackageCache.UnusedFor - TimeSpan.FromHours(1));
        File.SetLastWriteTimeUtc(usedPath, DateTime.UtcNow - PackageCache.UnusedFor - TimeSpan.FromHours(1));

        Assert.Equal(usedPath, await NewCache().PathAsync(used, CancellationToken.None)); // used again: marked in use
        Assert.True(File.GetLastWriteTimeUtc(usedPath) > DateTime.UtcNow - TimeSpan.FromMinutes(5));
        await cache.PathAsync(latest, CancellationToken.None);

        Assert.Equal(
            new[] { latest.Package.Sha256 + ".zip", used.Package.Sha256 + ".zip", "being-written.zip.4567.partial" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private PackageCache NewCache() => new(
        _services.GetRequiredService<CatalogStore>(), _services.GetRequiredService<InstallatronTables>(),
        Options.Create(new InstallatronOptions { PackageCache = _folder }), TimeProvider.System);

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private async Task<CatalogVersion> PublishAsync(string version)
    {
        using var zip = DemoWordPress.Package(version);
        var package = zip.ToArray();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(package));
        var published = new CatalogVersion
        {
            Application = Application,
            Version = version,
            Branch = AppVersion.Parse(version).DefaultBranch,
            Package = new PackageInfo(CatalogStore.BlobNameFor(Application, version, sha256), package.Length, sha256, 1),
        };
        await _services.GetRequiredService<CatalogStore>().PublishAsync(published, new MemoryStream(package), CancellationToken.None);
        return published;
    }
}
