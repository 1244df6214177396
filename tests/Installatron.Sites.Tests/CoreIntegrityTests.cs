using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class CoreIntegrityTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly IReadOnlyDictionary<string, string> _checksums = WordPressFixture.Checksums(WordPressFixture.CoreFiles(WordPressFixture.OldVersion));

    public CoreIntegrityTests()
    {
        _site = _temp["site"];
        WordPressFixture.WriteSite(_site, WordPressFixture.OldVersion);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CheckAsync_SiteAsReleased_CleanAndUserContentIgnored()
    {
        // The site has a user-updated akismet in wp-content, wp-config.php, .htaccess and a bin/ folder of its own.
        var report = await CoreIntegrity.CheckAsync(_site, "6.7.2", _checksums, CancellationToken.None);

        Assert.True(report.Clean, string.Join(", ", report.Modified.Concat(report.Missing).Concat(report.Injected)));
        Assert.Equal(_checksums.Keys.Count(p => !p.StartsWith("wp-content/", StringComparison.Ordinal)), report.Checked);
        Assert.Equal("6.7.2", report.Version);
    }

    [Fact]
    public async Task CheckAsync_ModifiedMissingAndInjectedCoreFiles_EachListed()
    {
        File.AppendAllText(Path.Join(_site, "wp-includes/functions.php"), "@eval($_POST['x']);\n");
        File.Delete(Path.Join(_site, "wp-admin/index.php"));
        WordPressFixture.Write(_site, "wp-includes/class-wp-cache-helper.php", "<?php @eval($_REQUEST['c']);\n");
        WordPressFixture.Write(_site, "wp-admin/css/colors/x.php", "<?php system($_GET['c']);\n");
        WordPressFixture.Write(_site, "wp-xmlrpc-shell.php", "<?php passthru($_GET['c']);\n");
        WordPressFixture.Write(_site, ".cache.php", "<?php // hidden at the root\n");
        // Not core: uploads, a non-PHP file at the root, the site's own folder.
        WordPressFixture.Write(_site, "wp-content/uploads/evil.php", "<?php // not a core folder\n");
        WordPressFixture.Write(_site, "google1234.html", "google-site-verification\n");
        WordPressFixture.Write(_site, "bin/tool.php", "<?php // the site's own folder\n");

        var report = await CoreIntegrity.CheckAsync(_site, "6.7.2", _checksums, CancellationToken.None);

        Assert.Equal(["wp-includes/functions.php"], report.Modified);
        Assert.Equal(["wp-admin/index.php"], report.Missing);
        Assert.Equal([".cache.php", "wp-admin/css/colors/x.php", "wp-includes/class-wp-cache-helper.php", "wp-xmlrpc-shell.php"], report.Injected);
        Assert.False(report.Clean);
        Assert.False(report.Truncated);
    }

    [Fact]
    public async Task CheckAsync_SymbolicLinks_NeverFollowed()
    {
        // A link in place of a core file, even to identical content outside the site, is not the release's file.
        var outside = _temp["outside-version.php"];
        File.WriteAllText(outside, WordPressFixture.CoreFiles(WordPressFixture.OldVersion)["wp-includes/version.php"]);
        File.Delete(Path.Join(_site, "wp-includes/version.php"));
        File.CreateSymbolicLink(Path.Join(_site, "wp-includes/version.php"), outside);
        File.CreateSymbolicLink(Path.Join(_site, "wp-includes/extra"), _temp.Path);

        var report = await CoreIntegrity.CheckAsync(_site, "6.7.2", _checksums, CancellationToken.None);

        Assert.Equal(["wp-includes/version.php"], report.Modified);
        Assert.Equal(["wp-includes/extra"], report.Injected);
    }

    [Fact]
    public async Task CheckAsync_CoreFolderReplacedByALink_FolderReportedItsFilesMissing()
    {
        var elsewhere = _temp["elsewhere"];
        Directory.Move(Path.Join(_site, "wp-admin"), elsewhere);
        Directory.CreateSymbolicLink(Path.Join(_site, "wp-admin"), elsewhere);

        var report = await CoreIntegrity.CheckAsync(_site, "6.7.2", _checksums, CancellationToken.None);

        Assert.Equal(["wp-admin"], report.Modified);
        Assert.Equal(_checksums.Keys.Where(p => p.StartsWith("wp-admin/", StringComparison.Ordinal)).Order(StringComparer.Ordinal), report.Missing);
    }

    [Fact]
    public async Task CheckAsync_ThousandsInjected_ListsCappedAndTruncated()
    {
        for (var i = 0; i < CoreIntegrity.MaxListed + 20; i++)
        {
            WordPressFixture.Write(_site, $"wp-includes/spam/{i:D4}.php", "<?php\n");
        }

        var report = await CoreIntegrity.CheckAsync(_site, "6.7.2", _checksums, CancellationToken.None);

        Assert.Equal(CoreIntegrity.MaxListed, report.Injected.Count);
        Assert.True(report.Truncated);
        Assert.Equal("wp-includes/spam/0000.php", report.Injected[0]);
    }

    [Fact]
    public async Task CheckAsync_UppercaseChecksums_ComparedWithoutCase()
    {
        var upper = _checksums.ToDictionary(p => p.Key, p => p.Value.ToUpperInvariant());
        Assert.True((await CoreIntegrity.CheckAsync(_site, "6.7.2", upper, CancellationToken.None)).Clean);
    }
}
