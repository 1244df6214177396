using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>Packages as the world ships them, and packages that do not fit: the refusal says what was found where.</summary>
public sealed class PackageLayoutReaderTests
{
    private static readonly PackageShape WordPressCore = PackageShape.Of(Applications.WordPress, ApplicationRecipes.WordPress);

    private static PackageShape Plugin(string slug) => PackageShape.OfComponent(ApplicationRecipes.WordPress, Applications.WordPress, ApplicationRecipes.WordPress.Component("plugin")!, slug);

    private static PackageShape Theme(string slug) => PackageShape.OfComponent(ApplicationRecipes.WordPress, Applications.WordPress, ApplicationRecipes.WordPress.Component("theme")!, slug);

    private const string VersionFile = "<?php\n/**\n * WordPress Version\n */\n$wp_version = '6.8.1';\n$wp_db_version = 58975;\n$tinymce_version = '49110-20201110';\n";

    [Fact]
    public void Read_CoreRootedAtWordPressFolder_RootVersionAndDbVersion()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, Core("wordpress/").Append(("wordpress/", "")).Append(("wordpress/wp-content/themes/twentytwentyfive/style.css", "/* Theme Name: X */")));

        var layout = PackageLayoutReader.Read(zip, WordPressCore);

        Assert.Equal(new PackageLayout(PackageKinds.Core, "wordpress/", "wordpress/wp-includes/version.php", "6.8.1", "58975"), layout);
    }

    [Fact]
    public void Read_CoreRootedAtSite_EmptyRoot()
    {
        using var directory = new TempDirectory();

        var layout = PackageLayoutReader.Read(Zip(directory, Core("")), WordPressCore);

        Assert.Equal("", layout.Root);
        Assert.Equal("6.8.1", layout.Version);
    }

    [Theory]
    [InlineData("release/wordpress/", "holds WordPress core at 'release/wordpress/', which is not the top of the zip nor its only top folder; its top level holds 'release/'")]
    [InlineData("wordpress/|README.txt", "holds WordPress core at 'wordpress/', which is not the top of the zip nor its only top folder; its top level holds 'README.txt', 'wordpress/'")]
    public void Read_CoreNotAtTopNorOneFolder_RefusedSayingWhere(string layout, string problem)
    {
        using var directory = new TempDirectory();
        var parts = layout.Split('|');
        var entries = Core(parts[0]).Concat(parts.Skip(1).Select(extra => (extra, "x")));

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(Zip(directory, entries), WordPressCore));

        Assert.Equal(problem, refusal.Problem);
    }

    [Fact]
    public void Read_NotWordPress_RefusedListingTopLevel()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, [("index.php", "<?php"), ("app/", ""), ("app/main.php", "<?php")]);

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(zip, WordPressCore));

        Assert.Equal("holds no wp-includes/version.php, so it is not WordPress core; its top level holds 'app/', 'index.php'", refusal.Problem);
    }

    [Fact]
    public void Read_CoreWithoutWpAdmin_Refused()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, Core("wordpress/").Where(e => !e.Name.Contains("wp-admin")));

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(zip, WordPressCore));

        Assert.Equal("holds 'wordpress/wp-includes/version.php' but no 'wordpress/wp-admin/' folder, so it is not a complete WordPress core", refusal.Problem);
    }

    [Theory]
    [InlineData("<?php\n$wp_db_version = 1;\n", "has a 'wp-includes/version.php' that sets no $wp_version")]
    [InlineData("<?php\n\n$wp_version = getenv('V');\n", "has a 'wp-includes/version.php' whose $wp_version (line 3) calls getenv()")]
    public void Read_CoreVersionNotLiteral_Refused(string versionFile, string problem)
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, Core("").Select(e => e.Name == "wp-includes/version.php" ? (e.Name, versionFile) : e));

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(zip, WordPressCore));

        Assert.Equal(problem, refusal.Problem);
    }

    [Fact]
    public void Read_PluginRootedAtSlug_MainFileByHeader()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, [
            ("akismet/", ""),
            ("akismet/class.akismet.php", "<?php // no header"),
            ("akismet/akismet.php", "<?php\n/*\r\nPlugin Name: Akismet Anti-spam\r\nVersion: 5.3.7 */\n"),
            ("akismet/views/config.php", "<?php"),
        ]);

        var layout = PackageLayoutReader.Read(zip, Plugin("akismet"));

        Assert.Equal(new PackageLayout(PackageKinds.Component, "akismet/", "akismet/akismet.php", "5.3.7"), layout);
    }

    [Fact]
    public void Read_PluginMainFileNotNamedAsSlug_Found()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, [("seo/readme.txt", "Stable tag: 1.0"), ("seo/main.php", "<?php\n/**\n * Plugin Name: SEO\n * Version: 2.1.0\n */")]);

        Assert.Equal("seo/main.php", PackageLayoutReader.Read(zip, Plugin("seo")).VersionFile);
    }

    [Theory]
    [InlineData("akismet.php|readme.txt", "must hold the plugin in one top folder 'akismet/' (as WordPress ships a plugin); its top level holds 'akismet.php', 'readme.txt'")]
    [InlineData("akismet-main/akismet.php", "must hold the plugin in one top folder 'akismet/' (as WordPress ships a plugin); its top level holds 'akismet-main/'")]
    [InlineData("akismet/akismet.txt", "holds no PHP file directly in 'akismet/' with a 'Plugin Name:' header, so it is not a WordPress plugin")]
    [InlineData("akismet/lib/akismet.php", "holds no PHP file directly in 'akismet/' with a 'Plugin Name:' header, so it is not a WordPress plugin")]
    public void Read_PluginNotRootedAtSlug_RefusedSayingWhat(string names, string problem)
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, names.Split('|').Select(n => (n, "<?php\n/* Plugin Name: Akismet\nVersion: 5.3.7 */")));

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(zip, Plugin("akismet")));

        Assert.Equal(problem, refusal.Problem);
    }

    [Fact]
    public void Read_PluginWithoutVersionHeader_Refused()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, [("hello/hello.php", "<?php\n/* Plugin Name: Hello Dolly */")]);

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(zip, Plugin("hello")));

        Assert.Equal("has a 'hello/hello.php' without a 'Version:' header", refusal.Problem);
    }

    [Fact]
    public void Read_ThemeRootedAtFolder_VersionFromStyleCss()
    {
        using var directory = new TempDirectory();
        var zip = Zip(directory, [
            ("twentytwentyfive/style.css", "/*\nTheme Name: Twenty Twenty-Five\nVersion: 1.2\n*/"),
            ("twentytwentyfive/theme.json", "{}"),
        ]);

        var layout = PackageLayoutReader.Read(zip, Theme("twentytwentyfive"));

        Assert.Equal(new PackageLayout(PackageKinds.Component, "twentytwentyfive/", "twentytwentyfive/style.css", "1.2"), layout);
    }

    [Theory]
    [InlineData("twentytwentyfive/theme.json", "{}", "holds no 'twentytwentyfive/style.css', so it is not a WordPress theme")]
    [InlineData("twentytwentyfive/style.css", "/* Version: 1.2 */", "has a 'twentytwentyfive/style.css' without a 'Theme Name:' header, so it is not a WordPress theme")]
    [InlineData("style.css", "/* Theme Name: T\nVersion: 1.2 */", "must hold the theme in one top folder 'twentytwentyfive/' (as WordPress ships a theme); its top level holds 'style.css'")]
    public void Read_ThemeThatDoesNotFit_Refused(string name, string content, string problem)
    {
        using var directory = new TempDirectory();

        var refusal = Assert.Throws<PackageLayoutException>(() => PackageLayoutReader.Read(Zip(directory, [(name, content)]), Theme("twentytwentyfive")));

        Assert.Equal(problem, refusal.Problem);
    }

    [Fact]
    public void Read_OtherApplication_FilesAtTheSite()
    {
        using var directory = new TempDirectory();

        Assert.Equal(new PackageLayout(PackageKinds.Files, ""), PackageLayoutReader.Read(Zip(directory, [("app/x", "1")]), PackageShape.Of("static", ApplicationRecipes.Plain)));
    }

    private static IEnumerable<(string Name, string Content)> Core(string root) =>
    [
        ($"{root}index.php", "<?php"),
        ($"{root}wp-includes/version.php", VersionFile),
        ($"{root}wp-admin/index.php", "<?php"),
        ($"{root}wp-content/index.php", "<?php"),
    ];

    private static string Zip(TempDirectory directory, IEnumerable<(string Name, string Content)> entries)
    {
        var path = directory[Guid.NewGuid().ToString("N") + ".zip"];
        WordPressFixture.WriteZip(path, entries);
        return path;
    }
}
