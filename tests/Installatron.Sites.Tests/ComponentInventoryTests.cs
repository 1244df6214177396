using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class ComponentInventoryTests
{
    [Fact]
    public void Plugins_FolderAndSingleFilePlugins_IdsAndVersionsFromHeaders()
    {
        using var site = new TempDirectory();
        Write(site["wp-content/plugins/akismet/akismet.php"], "<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.3.6\n*/\n");
        Write(site["wp-content/plugins/akismet/class.akismet.php"], "<?php // no header");
        Write(site["wp-content/plugins/hello.php"], "<?php\n/**\n * @package Hello_Dolly\n * Plugin Name: Hello Dolly\n * Version: 1.7.2\n */\n");
        Write(site["wp-content/plugins/not-a-plugin/readme.txt"], "Plugin Name: nothing here");
        Write(site["wp-content/plugins/index.php"], "<?php // Silence is golden.");

        var plugins = ComponentInventory.WordPressPlugins(site.Path);

        Assert.Equal(
            [new FoundComponent("akismet", "Akismet Anti-spam", "5.3.6"), new FoundComponent("hello", "Hello Dolly", "1.7.2")],
            plugins);
    }

    [Fact]
    public void Themes_StyleCssHeaders_IdsAndVersions()
    {
        using var site = new TempDirectory();
        Write(site["wp-content/themes/twentytwentythree/style.css"], "/*\nTheme Name: Twenty Twenty-Three\nVersion: 1.6\n*/");
        Write(site["wp-content/themes/broken/functions.php"], "<?php");

        Assert.Equal([new FoundComponent("twentytwentythree", "Twenty Twenty-Three", "1.6")], ComponentInventory.WordPressThemes(site.Path));
    }

    [Fact]
    public void Plugins_SymlinkedFolderOutsideSite_NotFollowed()
    {
        using var site = new TempDirectory();
        using var outside = new TempDirectory();
        Write(outside["evil/evil.php"], "<?php\n/*\nPlugin Name: Evil\nVersion: 6.6.6\n*/\n");
        Directory.CreateDirectory(site["wp-content/plugins"]);
        Directory.CreateSymbolicLink(site["wp-content/plugins/evil"], outside["evil"]);

        Assert.Empty(ComponentInventory.WordPressPlugins(site.Path));
    }

    [Fact]
    public void Plugins_NoWpContent_Empty()
    {
        using var site = new TempDirectory();
        Assert.Empty(ComponentInventory.WordPressPlugins(site.Path));
        Assert.Empty(ComponentInventory.WordPressThemes(site.Path));
    }

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
