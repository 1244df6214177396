using System.Security.Cryptography;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Installatron.Integration.Tests;

/// <summary>The catalog's versions cached in memory (<see cref="CatalogStore"/>), on Azurite: two servers' stores on one table.</summary>
public sealed class CatalogCacheTests
{
    private const string Application = "wordpress";

    [Fact]
    public async Task ListVersions_PublishedHereOrElsewhere_SeenAtOnceWhenAskedForOrAfterTheLifetime()
    {
        await using var services = CoreServices.For((await SharedAzurite.GetAsync()).ConnectionString, TestIds.NewPrefix());
        var tables = services.GetRequiredService<InstallatronTables>();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var here = new CatalogStore(tables, time);
        var elsewhere = new CatalogStore(tables, time);

        Assert.Empty(await here.ListVersionsAsync(Application, CancellationToken.None));
        await PublishAsync(here, "6.7.2");
        Assert.Equal(["6.7.2"], await VersionsAsync(here)); // a publish through the store drops its list at once

        await PublishAsync(elsewhere, "6.7.3");
        Assert.Equal(["6.7.2"], await VersionsAsync(here)); // another server's publish: the list read 0 s ago stands
        Assert.NotNull(await here.FindVersionAsync(Application, "6.7.3", CancellationToken.None)); // asked for: read again
        Assert.Equal(["6.7.3", "6.7.2"], await VersionsAsync(here));

        await PublishAsync(elsewhere, "6.7.4");
        time.Advance(CatalogStore.CacheLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(["6.7.3", "6.7.2"], await VersionsAsync(here));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["6.7.4", "6.7.3", "6.7.2"], await VersionsAsync(here));
        Assert.Null(await here.FindVersionAsync(Application, "6.8.0", CancellationToken.None));
    }

    private static async Task<IEnumerable<string>> VersionsAsync(CatalogStore store) =>
        (await store.ListVersionsAsync(Application, CancellationToken.None)).Select(v => v.Version);

    private static async Task PublishAsync(CatalogStore store, string version)
    {
        using var zip = DemoWordPress.Package(version); // WordPress-shaped, rooted at wordpress/
        var package = zip.ToArray();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(package));
        await store.PublishAsync(new CatalogVersion
        {
            Application = Application,
            Version = version,
            Branch = AppVersion.Parse(version).DefaultBranch,
            Package = new PackageInfo(CatalogStore.BlobNameFor(Application, version, sha256), package.Length, sha256, 1),
        }, new MemoryStream(package), CancellationToken.None);
    }
}
