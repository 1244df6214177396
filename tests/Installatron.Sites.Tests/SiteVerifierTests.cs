using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class SiteVerifierTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;

    public SiteVerifierTests()
    {
        _site = _temp["site"];
        WordPressFixture.WriteSite(_site, WordPressFixture.NewVersion);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task VerifyAgainstPackageAsync_ChangedMissingAndModeChangedCoreFiles_ReportedPreservedIgnored()
    {
        var package = WordPressFixture.WritePackage(_temp.Path, WordPressFixture.NewVersion);
        File.AppendAllText(Path.Join(_site, "wp-login.php"), "// tampered");
        File.Delete(Path.Join(_site, "wp-includes/new-in-673.php"));
        File.SetUnixFileMode(Path.Join(_site, "index.php"), (UnixFileMode)0b111_111_111);

        var differences = await SiteVerifier.VerifyAgainstPackageAsync(_site, package, SiteRecipe.WordPress, CancellationToken.None);

        Assert.Equal(
            [
                ("index.php", SiteDifferenceKind.ModeChanged),
                ("wp-includes/new-in-673.php", SiteDifferenceKind.Missing),
                ("wp-login.php", SiteDifferenceKind.ContentChanged),
            ],
            differences.Select(d => (d.Path, d.Kind)));
    }

    [Fact]
    public async Task VerifyAgainstPackageAsync_WithThePackagesDigest_SameFindingsAndTheDigestIsWhatItComparesWith()
    {
        var zip = WordPressFixture.WritePackage(_temp.Path, WordPressFixture.NewVersion);
        var package = new PackageSource(zip, new PackageReference("wordpress", WordPressFixture.NewVersion, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(zip)))))
        {
            IndexPath = Path.Join(_temp.Path, "package.index.json"),
            DigestPath = Path.Join(_temp.Path, "package.digest.json"),
        };
        var digest = await PackageIndex.DigestAsync(package, CancellationToken.None);
        Assert.True(File.Exists(package.DigestPath) && File.Exists(package.IndexPath));
        Assert.Equal(digest, await PackageIndex.DigestAsync(package, CancellationToken.None)); // read back, not rebuilt
        Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(LocalSiteFileSystem.Instance, _site, zip, SiteRecipe.WordPress, CancellationToken.None, digest));

        File.AppendAllText(Path.Join(_site, "wp-login.php"), "// tampered");
        var withDigest = await SiteVerifier.VerifyAgainstPackageAsync(LocalSiteFileSystem.Instance, _site, zip, SiteRecipe.WordPress, CancellationToken.None, digest);
        Assert.Equal(await SiteVerifier.VerifyAgainstPackageAsync(_site, zip, SiteRecipe.WordPress, CancellationToken.None), withDigest);
        Assert.Equal(("wp-login.php", SiteDifferenceKind.ContentChanged), Assert.Single(withDigest.Select(d => (d.Path, d.Kind))));

        // A digest that names another content for an entry is what the site is held to: the zip is not inflated for it.
        var other = digest.ToDictionary(d => d.Key, d => d.Key is "index.php" or "wordpress/index.php" ? new string('0', 64) : d.Value);
        File.WriteAllText(Path.Join(_site, "wp-login.php"), await ReadEntryAsync(zip, "wp-login.php"));
        Assert.Equal(("index.php", SiteDifferenceKind.ContentChanged), Assert.Single(
            (await SiteVerifier.VerifyAgainstPackageAsync(LocalSiteFileSystem.Instance, _site, zip, SiteRecipe.WordPress, CancellationToken.None, other)).Select(d => (d.Path, d.Kind))));
    }

    private static async Task<string> ReadEntryAsync(string zip, string path)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        using var reader = new StreamReader(archive.Entries.Single(e => e.FullName == path || e.FullName == "wordpress/" + path).Open());
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task VerifyAgainstManifestAsync_ChangedTree_EveryKindReported()
    {
        var archive = _temp["backup.tar.gz"];
        await SiteBackup.CreateAsync(_site, [], archive, CancellationToken.None);
        var manifest = await SiteBackup.ReadManifestAsync(archive, CancellationToken.None);
        File.WriteAllText(Path.Join(_site, "wp-login.php"), "changed");
        File.Delete(Path.Join(_site, "license.txt"));
        File.WriteAllText(Path.Join(_site, "extra.php"), "extra");
        File.SetUnixFileMode(Path.Join(_site, "bin/cron.sh"), (UnixFileMode)0b110_100_100);
        File.Delete(Path.Join(_site, "wp-content/latest.jpg"));
        File.CreateSymbolicLink(Path.Join(_site, "wp-content/latest.jpg"), "elsewhere.jpg");
        Directory.Delete(Path.Join(_site, "wp-content/upgrade"));
        File.WriteAllText(Path.Join(_site, "wp-content/upgrade"), "now a file");
        File.WriteAllText(Path.Join(_site, "wp-content/cache/new.html"), "excluded");

        var differences = await SiteVerifier.VerifyAgainstManifestAsync(_site, manifest, ["wp-content/cache"], CancellationToken.None);

        Assert.Equal(
            [
                ("bin/cron.sh", SiteDifferenceKind.ModeChanged),
                ("extra.php", SiteDifferenceKind.Extra),
                ("license.txt", SiteDifferenceKind.Missing),
                ("wp-content/latest.jpg", SiteDifferenceKind.LinkTargetChanged),
                ("wp-content/upgrade", SiteDifferenceKind.TypeChanged),
                ("wp-login.php", SiteDifferenceKind.ContentChanged),
            ],
            differences.Select(d => (d.Path, d.Kind)));
    }
}
