using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>
/// A release that ships a new default theme (or plugin) in wp-content: added when the site lacks it, never written
/// over, never added back when the owner deleted one the installed version shipped; and packages in other layouts.
/// </summary>
public sealed class BundledFoldersTests : IDisposable
{
    private const string NewTheme = "wp-content/themes/twentytwentysix";

    private static readonly (string, string)[] NewThemeFiles =
    [
        ($"{NewTheme}/style.css", "/*\nTheme Name: Twenty Twenty-Six\nVersion: 1.0\n*/\n"),
        ($"{NewTheme}/parts/header.html", "<header></header>\n"),
        ("wp-content/plugins/new-bundled/new-bundled.php", "<?php\n/* Plugin Name: New Bundled\nVersion: 1.0 */\n"),
    ];

    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _oldPackage;
    private readonly string _newPackage;
    private readonly PackageApplier _applier = new(TimeProvider.System);

    public BundledFoldersTests()
    {
        _site = _temp["site"];
        Directory.CreateDirectory(_temp["packages"]);
        WordPressFixture.WriteSite(_site);
        _oldPackage = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.OldVersion);
        _newPackage = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.NewVersion, NewThemeFiles);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ApplyAsync_NewBundledThemeAndPluginSiteLacks_AddedWhole()
    {
        var result = await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal(["wp-content/plugins/new-bundled", NewTheme], result.FoldersAdded!.Order(StringComparer.Ordinal));
        Assert.Equal("<header></header>\n", File.ReadAllText(Path.Join(_site, NewTheme, "parts/header.html")));
        Assert.Contains("Twenty Twenty-Six", File.ReadAllText(Path.Join(_site, NewTheme, "style.css")));
        Assert.True(File.Exists(Path.Join(_site, "wp-content/plugins/new-bundled/new-bundled.php")));
        Assert.Empty(Directory.GetFileSystemEntries(_site, ".installatron-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ApplyAsync_SiteHasItsOwnFolderOfThatName_NotWrittenOver()
    {
        WordPressFixture.Write(_site, $"{NewTheme}/style.css", "/* Theme Name: The owner's own */");
        var before = TreeHash.Describe(Path.Join(_site, NewTheme));

        var result = await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal(before, TreeHash.Describe(Path.Join(_site, NewTheme)));
        Assert.DoesNotContain(NewTheme, result.FoldersAdded!);
    }

    [Fact]
    public async Task ApplyAsync_OwnerDeletedAThemeTheInstalledVersionShipped_NotAddedBack()
    {
        // Both versions ship twentytwentyfive; the owner deleted it.
        Directory.Delete(Path.Join(_site, "wp-content/themes/twentytwentyfive"), recursive: true);

        await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.False(Directory.Exists(Path.Join(_site, "wp-content/themes/twentytwentyfive")));
        Assert.True(Directory.Exists(Path.Join(_site, NewTheme)));
    }

    [Fact]
    public async Task ApplyAsync_InstalledVersionsPackageUnknown_NothingAdded()
    {
        var result = await _applier.ApplyAsync(Request() with { OldPackageZip = null }, CancellationToken.None);

        Assert.Empty(result.FoldersAdded!);
        Assert.False(Directory.Exists(Path.Join(_site, NewTheme)));
    }

    [Fact]
    public async Task ApplyAsync_CrashLeftAHalfAddedFolder_RerunAddsItWhole()
    {
        WordPressFixture.Write(_site, "wp-content/themes/.installatron-adding-twentytwentysix/style.css", "half");

        await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Equal(2, Directory.GetFiles(Path.Join(_site, NewTheme), "*", SearchOption.AllDirectories).Length);
        Assert.False(Directory.Exists(Path.Join(_site, "wp-content/themes/.installatron-adding-twentytwentysix")));
    }

    [Fact]
    public async Task ApplyAsync_WpContentLinkedOutOfTheSite_NothingWrittenThere()
    {
        var elsewhere = _temp["elsewhere"];
        Directory.Move(Path.Join(_site, "wp-content"), elsewhere);
        File.CreateSymbolicLink(Path.Join(_site, "wp-content"), elsewhere);
        var outside = TreeHash.Describe(elsewhere);

        var result = await _applier.ApplyAsync(Request(), CancellationToken.None);

        Assert.Empty(result.FoldersAdded!);
        Assert.Equal(outside, TreeHash.Describe(elsewhere));
    }

    [Fact]
    public async Task ApplyAsync_NewPackageRootedAtWordPressFolderOldAtSite_NoWordPressFolderInSite()
    {
        var rooted = _temp["packages/wordpress-rooted.zip"];
        WordPressFixture.WriteZip(rooted, WordPressFixture.CoreFiles(WordPressFixture.NewVersion).Select(kv => ("wordpress/" + kv.Key, kv.Value)).Concat(NewThemeFiles.Select(f => ("wordpress/" + f.Item1, f.Item2))));
        var recipe = SiteRecipe.WordPress with { PackageRoot = "wordpress/" };

        await _applier.ApplyAsync(Request() with { NewPackageZip = rooted, Recipe = recipe, OldPackageRoot = "" }, CancellationToken.None);

        Assert.False(Directory.Exists(Path.Join(_site, "wordpress")));
        Assert.Contains("6.7.3", File.ReadAllText(Path.Join(_site, "wp-includes/version.php")));
        Assert.False(File.Exists(Path.Join(_site, "wp-includes/old-only.php")));
        Assert.True(Directory.Exists(Path.Join(_site, NewTheme)));
        Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(_site, rooted, recipe, CancellationToken.None));
    }

    private ApplyRequest Request() => new(_site, _newPackage, _oldPackage, SiteRecipe.WordPress, _temp[".installatron-staging/update-1"]);
}
