using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

/// <summary>
/// <c>POST /installs</c> reading what is not given from the site itself (version, wp-config.php), and refusing
/// clearly what it cannot know. Imports of a live site with its database: <see cref="LiveWordPressTests"/>.
/// </summary>
public sealed class ImportFromSiteTests
{
    [Fact]
    public async Task ImportInstall_NoVersionGiven_VersionReadFromTheSite()
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.3");

        var data = (await server.PostJsonAsync("/installs", Body(site, """, "tables": []"""))).AssertEnvelope(201, null).Data;

        Assert.Equal("6.7.3", data.GetProperty("version").GetString());
    }

    [Fact]
    public async Task ImportInstall_VersionTheSiteContradicts_RefusedNamingBoth()
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.2");
        var snapshot = await server.SnapshotAsync();

        var response = (await server.PostJsonAsync("/installs", Body(site, """, "version": "6.7.3", "tables": []""")))
            .AssertEnvelope(400, ErrorCodes.InvalidArgumentVersion, "version");

        Assert.Contains("is WordPress 6.7.2", response.Message);
        Assert.Contains("not 6.7.3", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Theory]
    [InlineData("define('DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD'));", "db_pass", "DB_PASSWORD", "calls getenv()")]
    [InlineData("define('DB_HOST', $_SERVER['DB_HOST']);", "db_host", "DB_HOST", "uses the variable $_SERVER")]
    [InlineData("$table_prefix = $prefix . '_';", "db_prefix", "$table_prefix", "uses the variable $prefix")]
    public async Task ImportInstall_ConfigValueOnlyPhpKnows_FailedSiteConfigNamingTheFieldToPass(string line, string field, string name, string why)
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.2");
        WriteConfig(site, line);
        var snapshot = await server.SnapshotAsync();

        var response = (await server.PostJsonAsync("/installs", Body(site, ""))).AssertEnvelope(500, ErrorCodes.FailedSiteConfig, field);

        Assert.Contains($"{name} in {site}/wp-config.php", response.Message);
        Assert.Contains(why, response.Message);
        Assert.EndsWith($"pass {field}.", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task ImportInstall_ConfigValueOnlyPhpKnowsButGiven_ExplicitFieldWins()
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.2");
        WriteConfig(site, "define('DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD'));");

        var data = (await server.PostJsonAsync("/installs", Body(site, """, "db_pass": "given-secret", "db_name": "other_db", "tables": []""")))
            .AssertEnvelope(201, null).Data;

        Assert.Equal("given-secret", data.GetProperty("db_pass").GetString());
        Assert.Equal("other_db", data.GetProperty("db_name").GetString());
        Assert.Equal("site_user", data.GetProperty("db_user").GetString());
    }

    [Fact]
    public async Task ImportInstall_DatabaseUnreachable_ClearErrorNoCredentialsNothingStored()
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.2");
        WriteConfig(site, "define('DB_PASSWORD', 'pw-that-must-not-show');", host: "127.0.0.1:1");
        var snapshot = await server.SnapshotAsync();

        var response = (await server.PostJsonAsync("/installs", Body(site, ""))).AssertEnvelope(500, ErrorCodes.FailedDatabaseHost);

        Assert.Contains("127.0.0.1:1", response.Message);
        Assert.Contains("pass tables", response.Message);
        Assert.DoesNotContain("pw-that-must-not-show", response.Message);
        Assert.DoesNotContain("site_user", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task ImportInstall_ConfigLinksToAnotherAccountsFile_FailedFilesystemPermission()
    {
        await using var server = await ApiServer.StartAsync();
        var site = NewSite(server, "blog", "6.7.2");
        var other = Path.Combine(server.DataPath, "demo", "home", "otheraccount", "wp-config.php");
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        File.WriteAllText(other, "<?php define('DB_NAME', 'theirs'); define('DB_USER', 'them'); define('DB_PASSWORD', 'their-secret'); define('DB_HOST', 'localhost'); $table_prefix = 'wp_';");
        File.Delete(Path.Combine(site, "wp-config.php"));
        File.CreateSymbolicLink(Path.Combine(site, "wp-config.php"), other);

        var response = (await server.PostJsonAsync("/installs", Body(site, """, "tables": []""")))
            .AssertEnvelope(500, ErrorCodes.FailedFilesystemPermission, "path");

        Assert.DoesNotContain("their-secret", response.Message);
    }

    private static string NewSite(ApiServer server, string folder, string version)
    {
        var site = Path.Combine(server.DataPath, "demo", "home", DemoData.User, "public_html", folder);
        DemoWordPress.WriteSite(site, version, $"http://website.com/{folder}");
        return site;
    }

    /// <summary>A wp-config.php as people write it, with <paramref name="line"/> overriding what it sets.</summary>
    private static void WriteConfig(string site, string line, string host = "localhost")
    {
        File.WriteAllText(Path.Combine(site, "wp-config.php"), $$"""
            <?php
            // ** Database settings ** //
            define( 'DB_NAME', 'site_db' );
            define( 'DB_USER', 'site_user' );
            {{(line.Contains("DB_PASSWORD", StringComparison.Ordinal) ? line : "define( 'DB_PASSWORD', 'site-password' );")}}
            {{(line.Contains("DB_HOST", StringComparison.Ordinal) ? line : $"define( 'DB_HOST', '{host}' );")}}
            {{(line.Contains("$table_prefix", StringComparison.Ordinal) ? line : "$table_prefix = 'wp_';")}}
            require_once ABSPATH . 'wp-settings.php';
            """);
    }

    private static string Body(string site, string more) =>
        $$"""{"user": "{{DemoData.User}}", "application": "wordpress", "path": "{{site}}", "url": "http://website.com/{{Path.GetFileName(site)}}"{{more}}}""";
}
