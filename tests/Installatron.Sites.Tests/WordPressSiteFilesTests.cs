using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>What a site's own files say (version, configuration), read where WordPress reads them and never through a link out of the account.</summary>
public sealed class WordPressSiteFilesTests
{
    [Fact]
    public void ReadVersion_VersionFile_VersionAndDbVersion()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "site/wp-includes/version.php", "<?php\n$wp_version = '6.1.9';\n$wp_db_version = 53496;\n");

        Assert.Equal(new WordPressVersion("6.1.9", "53496"), WordPressSiteFiles.ReadVersion(home["site"]));
    }

    [Fact]
    public void ReadVersion_NoVersionFile_Null()
    {
        using var home = new TempDirectory();
        Directory.CreateDirectory(home["site"]);

        Assert.Null(WordPressSiteFiles.ReadVersion(home["site"]));
    }

    [Fact]
    public void ReadVersion_VersionNotLiteral_SaysWhy()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "site/wp-includes/version.php", "<?php\n$wp_version = WP_VERSION;\n");

        var error = Assert.ThrowsAny<SiteFilesException>(() => WordPressSiteFiles.ReadVersion(home["site"]));

        Assert.EndsWith("wp-includes/version.php: $wp_version uses the constant WP_VERSION.", error.Message);
    }

    [Fact]
    public void ReadConfig_InSite_Read()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "site/wp-config.php", "<?php define('DB_NAME', 'in_site');");

        var config = WordPressSiteFiles.ReadConfig(home["site"], home.Path);

        Assert.Equal("in_site", config?.DbName?.Text);
        Assert.Equal(home["site/wp-config.php"], config?.Path);
    }

    [Fact]
    public void ReadConfig_OneFolderAbove_ReadAsWordPressDoes()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "wp-config.php", "<?php define('DB_NAME', 'above');");
        Directory.CreateDirectory(home["public_html"]);

        Assert.Equal("above", WordPressSiteFiles.ReadConfig(home["public_html"], home.Path)?.DbName?.Text);
    }

    [Fact]
    public void ReadConfig_AboveBelongsToAnotherWordPress_NotUsed()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "wp-config.php", "<?php define('DB_NAME', 'parent_site');");
        WordPressFixture.Write(home.Path, "wp-settings.php", "<?php");
        Directory.CreateDirectory(home["blog"]);

        Assert.Null(WordPressSiteFiles.ReadConfig(home["blog"], home.Path));
    }

    [Fact]
    public void ReadConfig_AboveTheHome_NotUsed()
    {
        using var outside = new TempDirectory();
        WordPressFixture.Write(outside.Path, "wp-config.php", "<?php define('DB_NAME', 'not_yours');");
        Directory.CreateDirectory(outside["home"]);

        Assert.Null(WordPressSiteFiles.ReadConfig(outside["home"], outside["home"]));
    }

    [Fact]
    public void ReadConfig_LinkToAnotherAccountsConfig_Refused()
    {
        using var other = new TempDirectory();
        using var home = new TempDirectory();
        WordPressFixture.Write(other.Path, "site/wp-config.php", "<?php define('DB_PASSWORD', 'other-accounts-secret');");
        Directory.CreateDirectory(home["site"]);
        File.CreateSymbolicLink(home["site/wp-config.php"], other["site/wp-config.php"]);

        var error = Assert.Throws<UnsafePathException>(() => WordPressSiteFiles.ReadConfig(home["site"], home.Path));

        Assert.Contains("outside", error.Message);
    }

    [Fact]
    public void ReadConfig_LinkInsideTheHome_Followed()
    {
        using var home = new TempDirectory();
        WordPressFixture.Write(home.Path, "config/wordpress.php", "<?php define('DB_NAME', 'linked');");
        Directory.CreateDirectory(home["site"]);
        File.CreateSymbolicLink(home["site/wp-config.php"], home["config/wordpress.php"]);

        Assert.Equal("linked", WordPressSiteFiles.ReadConfig(home["site"], home.Path)?.DbName?.Text);
    }

    [Fact]
    public void ReadConfig_FifoInsteadOfAFile_ReadAsEmptyWithoutBlocking()
    {
        using var home = new TempDirectory();
        Directory.CreateDirectory(home["site"]);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", home["site/wp-config.php"]))
        {
            mkfifo.WaitForExit();
        }

        var config = WordPressSiteFiles.ReadConfig(home["site"], home.Path);

        Assert.NotNull(config);
        Assert.Null(config.DbName);
    }
}
