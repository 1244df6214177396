using Installatron.Core.Sites;
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
