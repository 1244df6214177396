using System.IO.Compression;
using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class PackageApplierTests : IDisposable
{
    private static readonly string[] UserContent = ["wp-content", "wp-config.php", ".htaccess"];

    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _staging;
    private readonly string _oldPackage;
    private readonly string _newPackage;
    private readonly PackageApplier _applier = new(TimeProvider.System);

    public PackageApplierTests()
    {
        _site = _temp["site"];
        _staging = _temp[".installatron-staging/update-1"];
        Directory.CreateDirectory(_temp["packages"]);
        WordPressFixture.WriteSite(_site);
        _oldPackage = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.OldVersion);
        _newPackage = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.NewVersion);
    }

    public void Dispose() => _temp.Dispose();

    private ApplyRequest Request(string? newPackage = null, string? oldPackage = "") =>
        new(_site, newPackage ?? _newPackage, oldPackage == "" ? _oldPackage : oldPackage, SiteRecipe.WordPress, _staging);

    [Fact]
    public async Task ApplyAsync_NewVersion_CoreReplacedAndUserContentUntouched()
    {
        var userContent = UserContentHashes();

        var result = await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(_site, _newPackage, SiteRecipe.WordPress, CancellationToken.None));
        Assert.Equal(userContent, UserContentHashes());
        Assert.Contains("6.7.3", File.ReadAllText(Path.Join(_site, "wp-includes/version.php")));
        Assert.True(File.Exists(Path.Join(_site, "wp-includes/new-in-673.php")));
        Assert.False(File.Exists(Path.Join(_site, "wp-includes/old-only.php")));
        Assert.False(Directory.Exists(Path.Join(_site, "wp-admin/css/old-folder")));
        Assert.True(File.Exists(Path.Join(_site, "bin/cron.sh")));
        Assert.False(File.Exists(Path.Join(_site, ".maintenance")));
        Assert.False(Directory.Exists(_staging));
        Assert.Empty(Directory.GetFiles(_site, ".installatron-*", SearchOption.AllDirectories));
        Assert.Equal(3 + 2, result.FilesWritten); // version.php, functions.php, readme.html changed; two files added
        Assert.Equal(3, result.EntriesRemoved); // old-only.php, old-folder/legacy.css, then the emptied old-folder
    }

    [Fact]
    public async Task ApplyAsync_Twice_SameTreeAndNothingRewritten()
    {
        await _applier.ApplyAsync(Request(), CancellationToken.None);
        var once = TreeHash.Describe(_site);

        var second = await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal(once, TreeHash.Describe(_site));
        Assert.Equal(0, second.FilesWritten);
        Assert.Equal(0, second.EntriesRemoved);
    }

    [Fact]
    public async Task ApplyAsync_RerunAfterCrash_SameTreeAsOneRun()
    {
        var reference = _temp["reference"];
        WordPressFixture.WriteSite(reference);
        await _applier.ApplyAsync(Request() with { SiteRoot = reference, StagingDirectory = _temp["staging-reference"] }, CancellationToken.None);

        // A crash mid-apply: marker on, half-extracted staging folder, one core file already replaced, a temporary file.
        File.WriteAllText(Path.Join(_site, ".maintenance"), "<?php $upgrading = 1; ?>");
        Directory.CreateDirectory(_staging);
        File.WriteAllText(Path.Join(_staging, ".installatron-staging"), "");
        File.WriteAllText(Path.Join(_staging, "half.php"), "half");
        File.Copy(Path.Join(reference, "wp-includes/version.php"), Path.Join(_site, "wp-includes/version.php"), overwrite: true);
        File.Delete(Path.Join(_site, "wp-includes/old-only.php"));

        await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal(TreeHash.Describe(reference), TreeHash.Describe(_site));
        Assert.False(Directory.Exists(_staging));
    }

    [Fact]
    public async Task ApplyAsync_NoOldPackage_RemovesNothing()
    {
        var result = await _applier.ApplyAsync(Request(oldPackage: null), CancellationToken.None);

        Assert.Equal(0, result.EntriesRemoved);
        Assert.True(File.Exists(Path.Join(_site, "wp-includes/old-only.php")));
        Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(_site, _newPackage, SiteRecipe.WordPress, CancellationToken.None));
    }

    [Theory]
    [InlineData("../evil.php")]
    [InlineData("wp-includes/../../evil.php")]
    [InlineData("/tmp/evil.php")]
    [InlineData("..\\evil.php")]
    [InlineData("wp-admin/./x.php")]
    public async Task ApplyAsync_ZipSlipPackage_RejectedAndSiteUntouched(string entryName)
    {
        var before = TreeHash.Of(_site);
        var evil = _temp["packages/evil.zip"];
        WordPressFixture.WriteZip(evil, WordPressFixture.CoreFiles(WordPressFixture.NewVersion).Select(kv => (kv.Key, kv.Value)).Append((entryName, "<?php evil();")));

        await Assert.ThrowsAsync<InvalidPackageException>(() => _applier.ApplyAsync(Request(evil), CancellationToken.None));

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.False(File.Exists(_temp["evil.php"]));
        Assert.False(Directory.Exists(_staging));
    }

    [Fact]
    public async Task ApplyAsync_NotAZip_Rejected()
    {
        var notZip = _temp["packages/not.zip"];
        File.WriteAllText(notZip, "not a zip");

        await Assert.ThrowsAsync<InvalidPackageException>(() => _applier.ApplyAsync(Request(notZip), CancellationToken.None));
    }

    [Fact]
    public async Task ApplyAsync_CoreFolderIsSymlinkOutside_RefusedAndNothingWrittenThroughIt()
    {
        var outside = _temp["outside"];
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Join(outside, "version.php"), "outside");
        Directory.Delete(Path.Join(_site, "wp-includes"), recursive: true);
        Directory.CreateSymbolicLink(Path.Join(_site, "wp-includes"), outside);
        var before = TreeHash.Of(_site);

        await Assert.ThrowsAsync<UnsafePathException>(() => _applier.ApplyAsync(Request(), CancellationToken.None));

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.Equal(["version.php"], Directory.GetFiles(outside).Select(Path.GetFileName));
        Assert.Equal("outside", File.ReadAllText(Path.Join(outside, "version.php")));
    }

    [Fact]
    public async Task ApplyAsync_CoreFileIsSymlinkOutside_LinkReplacedTargetUntouched()
    {
        var outside = _temp["outside-login.php"];
        File.WriteAllText(outside, "outside");
        File.Delete(Path.Join(_site, "wp-login.php"));
        File.CreateSymbolicLink(Path.Join(_site, "wp-login.php"), outside);

        await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal("outside", File.ReadAllText(outside));
        Assert.Null(new FileInfo(Path.Join(_site, "wp-login.php")).LinkTarget);
        Assert.Equal(WordPressFixture.CoreFiles(WordPressFixture.NewVersion)["wp-login.php"], File.ReadAllText(Path.Join(_site, "wp-login.php")));
    }

    [Fact]
    public async Task ApplyAsync_PackageRootedInFolder_StrippedWithRecipe()
    {
        var package = _temp["packages/wordpress-org.zip"];
        WordPressFixture.WriteZip(package, WordPressFixture.CoreFiles(WordPressFixture.NewVersion).Select(kv => ($"wordpress/{kv.Key}", kv.Value)).Prepend(("wordpress/", "")));
        var recipe = SiteRecipe.WordPress with { PackageRoot = "wordpress" };

        await _applier.ApplyAsync(new ApplyRequest(_site, package, null, recipe, _staging), CancellationToken.None);

        Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(_site, package, recipe, CancellationToken.None));
        Assert.False(Directory.Exists(Path.Join(_site, "wordpress")));
    }

    [Fact]
    public async Task ApplyAsync_StagingInsideSite_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _applier.ApplyAsync(Request() with { StagingDirectory = Path.Join(_site, "wp-content/upgrade/x") }, CancellationToken.None));

    [Fact]
    public async Task ApplyAsync_StagingFolderNotOurs_RefusedAndLeftAlone()
    {
        Directory.CreateDirectory(_staging);
        File.WriteAllText(Path.Join(_staging, "precious.txt"), "someone else's");
        var before = TreeHash.Of(_site);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _applier.ApplyAsync(Request(), CancellationToken.None));

        Assert.Equal("someone else's", File.ReadAllText(Path.Join(_staging, "precious.txt")));
        Assert.Equal(before, TreeHash.Of(_site));
    }

    [Fact]
    public async Task ApplyComponentAsync_NewPluginVersion_FolderReplacedExactly()
    {
        var plugin = "wp-content/plugins/akismet";
        WordPressFixture.Write(_site, $"{plugin}/views/old-view.php", "<?php // gone in 5.4\n");
        WordPressFixture.Write(_site, $"{plugin}/legacy/a.js", "old\n");
        var zip = _temp["packages/akismet.5.4.zip"];
        WordPressFixture.WriteZip(zip,
        [
            ("akismet/", ""),
            ("akismet/akismet.php", "<?php\n/* Plugin Name: Akismet 5.4 */\n"),
            ("akismet/views/config.php", "<?php // config view\n"),
            ("akismet/readme.txt", "Akismet 5.4\n"),
        ]);
        var otherPlugin = TreeHash.Of(Path.Join(_site, "wp-content/plugins/hello"));
        var outsidePlugin = TreeHash.Of(_site, plugin);

        var result = await _applier.ApplyComponentAsync(_site, plugin, zip, _staging, CancellationToken.None);

        Assert.Equal(
            ["akismet.php", "readme.txt", "views", "views/config.php"],
            Directory.EnumerateFileSystemEntries(Path.Join(_site, plugin), "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(Path.Join(_site, plugin), p)).Order(StringComparer.Ordinal));
        Assert.Equal("<?php\n/* Plugin Name: Akismet 5.4 */\n", File.ReadAllText(Path.Join(_site, plugin, "akismet.php")));
        Assert.Equal(otherPlugin, TreeHash.Of(Path.Join(_site, "wp-content/plugins/hello")));
        Assert.Equal(outsidePlugin, TreeHash.Of(_site, plugin));
        Assert.Equal(3, result.EntriesRemoved);
        Assert.False(Directory.Exists(_staging));

        var again = await _applier.ApplyComponentAsync(_site, plugin, zip, _staging, CancellationToken.None);
        Assert.Equal(new ApplyResult(0, 3, 0), again);
    }

    [Fact]
    public async Task ApplyComponentAsync_NewPlugin_FolderCreated()
    {
        var zip = _temp["packages/classic-editor.zip"];
        WordPressFixture.WriteZip(zip, [("classic-editor/classic-editor.php", "<?php // classic\n")]);

        await _applier.ApplyComponentAsync(_site, "wp-content/plugins/classic-editor", zip, _staging, CancellationToken.None);

        Assert.Equal("<?php // classic\n", File.ReadAllText(Path.Join(_site, "wp-content/plugins/classic-editor/classic-editor.php")));
    }

    [Theory]
    [InlineData("akismet/akismet.php", "other/other.php")]
    [InlineData("akismet.php", "readme.txt")]
    [InlineData("akismet/../../../evil.php", "akismet/akismet.php")]
    public async Task ApplyComponentAsync_NotOneTopFolder_RejectedAndPluginUntouched(string first, string second)
    {
        var zip = _temp["packages/bad.zip"];
        WordPressFixture.WriteZip(zip, [(first, "<?php"), (second, "<?php")]);
        var before = TreeHash.Of(_site);

        await Assert.ThrowsAsync<InvalidPackageException>(() =>
            _applier.ApplyComponentAsync(_site, "wp-content/plugins/akismet", zip, _staging, CancellationToken.None));

        Assert.Equal(before, TreeHash.Of(_site));
    }

    [Fact]
    public async Task WriteAsync_MaintenanceMarker_WordPressFormat()
    {
        await MaintenanceMarker.WriteAsync(_site, SiteRecipe.WordPress, new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1732800000)), CancellationToken.None);

        Assert.Equal("<?php $upgrading = 1732800000; ?>", File.ReadAllText(Path.Join(_site, ".maintenance")));
        MaintenanceMarker.Remove(_site, SiteRecipe.WordPress);
        Assert.False(File.Exists(Path.Join(_site, ".maintenance")));
    }

    private Dictionary<string, string> UserContentHashes() =>
        UserContent.ToDictionary(p => p, p => Directory.Exists(Path.Join(_site, p))
            ? TreeHash.Of(Path.Join(_site, p))
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Join(_site, p)))));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
