using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

public sealed class AdminRoutesTests
{
    [Fact]
    public async Task CreateUser_ThenGetAndEdit_RoundTrips()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        var created = (await server.CreateUserAsync(new
        {
            user = "alice", vhosts = new[] { "Alice.Example" }, php_version = "8.3", db_server = "mysql", db_version = "8.0",
            quota_disk_bytes = 1000, quota_inodes = 50, home = "/home/alice",
        })).AssertEnvelope(201, null).Data;
        Assert.Equal(["alice.example"], created.GetProperty("vhosts").EnumerateArray().Select(v => v.GetString()));

        (await server.PostJsonAsync("/users/alice", """{"php_version": "8.4", "suspended": false}""")).AssertEnvelope(200, null);
        var read = (await server.GetAsync("/users/alice")).AssertEnvelope(200, null).Data;
        Assert.Equal("8.4", read.GetProperty("php_version").GetString());
        Assert.Equal("mysql", read.GetProperty("db_server").GetString());
        Assert.Equal(1000, read.GetProperty("quota_disk_bytes").GetInt64());
    }

    [Theory]
    [InlineData("""{"user": "bad user"}""", "invalid_argument_user", "user", 403)]
    [InlineData("""{"user": "bob", "vhosts": ["not a domain"]}""", "invalid_argument_vhosts", "vhosts", 400)]
    [InlineData("""{"user": "bob", "role": "root"}""", "invalid_argument_role", "role", 400)]
    [InlineData("""{"user": "bob", "php_version": "eight"}""", "invalid_argument_php_version", "php_version", 400)]
    [InlineData("""{"user": "bob", "owner": "nobody"}""", "invalid_argument_owner", "owner", 400)]
    [InlineData("""{"user": "bob", "quota_inodes": -1}""", "invalid_argument_quota_inodes", "quota_inodes", 400)]
    [InlineData("""{"user": "bob", "home": "relative/path"}""", "invalid_argument_home", "home", 400)]
    [InlineData("""{"user": "bob", "shell": "/bin/sh"}""", ErrorCodes.UnknownArgument, "shell", 400)]
    public async Task CreateUser_BadValue_RefusedAndNothingStored(string body, string errcode, string errfield, int status)
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        var snapshot = await server.SnapshotAsync();
        (await server.PostJsonAsync("/users", body)).AssertEnvelope(status, errcode, errfield);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task CreateUser_Twice_UserExists()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        (await server.CreateUserAsync(new { user = "carol" })).AssertEnvelope(201, null);
        (await server.CreateUserAsync(new { user = "carol" })).AssertEnvelope(409, ErrorCodes.UserExists, "user");
        (await server.PostJsonAsync("/users/dave", "{}")).AssertEnvelope(404, ErrorCodes.UserNotFound, "user");
    }

    [Fact]
    public async Task ImportInstall_ExistingSite_StoredAndShown()
    {
        await using var server = await ApiServer.StartAsync();
        var site = Path.Combine(server.DataPath, "demo", "home", DemoData.User, "public_html", "blog");
        DemoWordPress.WriteSite(site, "6.7.3", "https://website.com/blog");
        var body = $$"""
            {"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.3", "path": "{{site}}",
             "url": "https://website.com/blog/", "title": "Blog", "tables": ["wp_posts"], "exclude_files": ["wp-content/cache"],
             "plugins": [{"id": "akismet", "version": "5.3.6", "activated": true, "autoup": "all"}], "limitloginattempts": true}
            """;
        var data = (await server.PostJsonAsync("/installs", body)).AssertEnvelope(201, null).Data;
        var id = data.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-z]{25}$", id);
        Assert.Equal("https://website.com/blog", data.GetProperty("url").GetString());
        Assert.Equal("yes", data.GetProperty("limitloginattempts").GetString());
        Assert.Contains("wp-config.php", data.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        // Not given, so read from the site's wp-config.php.
        Assert.Equal(("mysql", "localhost", "databasename", "databaseusername", "wp_"), (data.GetProperty("db_type").GetString(),
            data.GetProperty("db_host").GetString(), data.GetProperty("db_name").GetString(), data.GetProperty("db_user").GetString(), data.GetProperty("db_prefix").GetString()));
        Assert.Equal(["wp_posts"], data.GetProperty("tables").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("7.0.0", (await server.GetAsync("/browser/wordpress?from=6.7.3")).Data.GetProperty("versions")[0].GetProperty("version").GetString());

        var read = (await server.GetAsync($"/installs/{id}")).AssertEnvelope(200, null).Data;
        Assert.Equal(site, read.GetProperty("path").GetString());
        Assert.Null(read.GetProperty("version_available").GetString());
        (await server.PostJsonAsync("/installs", body)).AssertEnvelope(409, ErrorCodes.InstallExists, "path");
    }

    [Fact]
    public async Task ImportInstall_WordPressWithoutLists_PluginsAndThemesReadFromTheSite()
    {
        await using var server = await ApiServer.StartAsync();
        var site = Path.Combine(server.DataPath, "demo", "home", DemoData.User, "public_html", "shop");
        DemoWordPress.WriteSite(site, "6.7.2", "http://website.com/shop");
        // No database runs for the demo site: "tables": [] imports it without listing them.
        var body = $$"""{"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.2", "path": "{{site}}", "url": "http://website.com/shop", "tables": []}""";

        var data = (await server.PostJsonAsync("/installs", body)).AssertEnvelope(201, null).Data;

        var plugins = data.GetProperty("plugins").EnumerateArray().Select(p => (p.GetProperty("id").GetString(), p.GetProperty("version").GetString())).ToList();
        Assert.Equal([("akismet", "5.3.6"), ("limit-login-attempts-reloaded", "2.26.18")], plugins);
        var themes = data.GetProperty("themes").EnumerateArray().Select(t => (t.GetProperty("id").GetString(), t.GetProperty("version").GetString())).ToList();
        Assert.Equal([("twentytwentyfive", "1.1"), ("twentytwentythree", "1.6")], themes);
    }

    [Theory]
    [InlineData("missing-folder", "http://website.com/x", ErrorCodes.FailedFilesystemDirectory, "path", 500)]
    [InlineData("staging", "http://elsewhere.com/x", ErrorCodes.FailedWebsiteVhost, "url", 500)]
    [InlineData("staging", "ftp://website.com/x", "invalid_argument_url", "url", 400)]
    public async Task ImportInstall_BadPlace_RefusedAndNothingStored(string folder, string url, string errcode, string errfield, int status)
    {
        await using var server = await ApiServer.StartAsync();
        var path = Path.Combine(server.DataPath, "demo", "home", DemoData.User, "public_html", folder);
        var snapshot = await server.SnapshotAsync();
        var body = $$"""{"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.2", "path": "{{path}}", "url": "{{url}}"}""";
        (await server.PostJsonAsync("/installs", body)).AssertEnvelope(status, errcode, errfield);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task ImportInstall_OutsideHome_FailedFilesystemPermission()
    {
        await using var server = await ApiServer.StartAsync();
        var body = $$"""{"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.2", "path": "{{Path.GetTempPath()}}", "url": "http://website.com"}""";
        (await server.PostJsonAsync("/installs", body)).AssertEnvelope(500, ErrorCodes.FailedFilesystemPermission, "path");
    }

    [Fact]
    public async Task ImportInstall_UnknownApplicationOrUser_NotFound()
    {
        await using var server = await ApiServer.StartAsync();
        var body = $$"""{"user": "{{DemoData.User}}", "application": "drupal", "version": "10.1", "path": "/tmp", "url": "http://website.com"}""";
        (await server.PostJsonAsync("/installs", body)).AssertEnvelope(404, ErrorCodes.ApplicationNotFound, "application");
        (await server.PostJsonAsync("/installs", body.Replace(DemoData.User, "ghost"))).AssertEnvelope(404, ErrorCodes.UserNotFound, "user");
    }
}
