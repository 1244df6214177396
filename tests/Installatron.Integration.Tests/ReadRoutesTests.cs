using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

public sealed class ReadRoutesTests
{
    /// <summary>Every key of <c>data</c> in the seed's example response, plus the documented fields the example leaves out.</summary>
    private static readonly string[] SeedDataFields =
    [
        "id", "application", "agent", "autobk", "autobk_schedule", "autoup", "autoup_backup", "autoup_plugins",
        "autoup_themes", "bkloc", "cache_numerrors", "cache_numwarnings", "cache_files", "cache_numbackups",
        "cache_preview", "cache_tables", "cache_time", "db_host", "db_type", "db_name", "db_user", "db_pass",
        "db_prefix", "login", "email", "language", "sitetitle", "sitetagline", "limitloginattempts", "twofactor",
        "failures", "file", "files", "incomplete", "link_admin", "notification", "parent", "path", "plugins", "stage",
        "tables", "themes", "time_created", "time_updated", "title", "url", "url_domain", "user", "version",
        "version_autouped", "version_autouped_attempts", "version_available", "version_updates_available",
        "exclude_files", "version_available_minor",
    ];

    [Fact]
    public async Task GetInstall_Demo_EverySeedFieldWithSeedTypes()
    {
        await using var server = await ApiServer.StartAsync();
        var data = (await server.GetAsync($"/installs/{DemoData.InstallId}")).AssertEnvelope(200, null).Data;

        Assert.Equal(SeedDataFields.Order(), data.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("website.com", data.GetProperty("url_domain").GetString());
        Assert.Equal(JsonValueKind.False, data.GetProperty("incomplete").ValueKind);
        Assert.Equal(JsonValueKind.Number, data.GetProperty("time_created").ValueKind);
        var plugin = data.GetProperty("plugins")[1];
        Assert.Equal("limit-login-attempts-reloaded", plugin.GetProperty("id").GetString());
        Assert.True(plugin.GetProperty("activated").GetBoolean());
        Assert.Equal("all", plugin.GetProperty("autoup").GetString());
        Assert.False(data.GetProperty("themes")[0].GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Array, data.GetProperty("tables").ValueKind);
    }

    [Fact]
    public async Task GetInstall_VersionAvailability_ComputedFromCatalog()
    {
        await using var server = await ApiServer.StartAsync();
        var data = (await server.GetAsync($"/installs/{DemoData.InstallId}")).AssertEnvelope(200, null).Data;
        Assert.Equal("6.7.3", data.GetProperty("version_available").GetString());
        Assert.Equal("6.7.3", data.GetProperty("version_available_minor").GetString());
        Assert.Equal(1, data.GetProperty("version_updates_available").GetInt32());

        (await PublishTests.PublishAsync(server, "6.7.4", """[{"from": "*", "mode": "auto"}]""", "{}")).AssertEnvelope(201, null);
        data = (await server.GetAsync($"/installs/{DemoData.InstallId}")).AssertEnvelope(200, null).Data;
        Assert.Equal("6.7.4", data.GetProperty("version_available").GetString());
        Assert.Equal(2, data.GetProperty("version_updates_available").GetInt32());
    }

    [Fact]
    public async Task GetInstall_OtherUser_InstallNotFound()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.CreateUserAsync(new { user = "stranger" })).AssertEnvelope(201, null);
        (await server.GetAsync($"/installs/{DemoData.InstallId}?user=stranger")).AssertEnvelope(404, ErrorCodes.InstallNotFound);
        (await server.GetAsync("/installs/nosuchinstall")).AssertEnvelope(404, ErrorCodes.InstallNotFound);
        (await server.GetAsync($"/installs/{DemoData.InstallId}?user=ghost")).AssertEnvelope(404, ErrorCodes.UserNotFound, "user");
    }

    [Fact]
    public async Task ListInstalls_ByUser_OnlyTheirs()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.CreateUserAsync(new { user = "stranger" })).AssertEnvelope(201, null);
        var mine = (await server.GetAsync($"/installs?user={DemoData.User}")).AssertEnvelope(200, null).Data;
        Assert.Equal([DemoData.InstallId], mine.EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(0, (await server.GetAsync("/installs?user=stranger")).AssertEnvelope(200, null).Data.GetArrayLength());
        Assert.Equal(1, (await server.GetAsync("/installs")).AssertEnvelope(200, null).Data.GetArrayLength());
        (await server.GetAsync("/installs?user=ghost")).AssertEnvelope(404, ErrorCodes.UserNotFound, "user");
        (await server.GetAsync("/installs?owner=x")).AssertEnvelope(400, ErrorCodes.UnknownArgument, "owner");
    }

    [Fact]
    public async Task GetBrowser_From_UpgradeModesRelativeToIt()
    {
        await using var server = await ApiServer.StartAsync();
        var data = (await server.GetAsync("/browser/wordpress?from=6.7.2")).AssertEnvelope(200, null).Data;
        var modes = data.GetProperty("versions").EnumerateArray()
            .ToDictionary(v => v.GetProperty("version").GetString()!, v => v.GetProperty("upgrade_from").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["7.0.0"] = "manual", ["6.7.3"] = "auto", ["6.7.2"] = "none" }, modes);
        var newest = data.GetProperty("versions")[0];
        Assert.Equal("7.0", newest.GetProperty("branch").GetString());
        Assert.Equal("7.4", newest.GetProperty("requirements").GetProperty("php_min").GetString());
        Assert.Equal(64, newest.GetProperty("package").GetProperty("sha256").GetString()!.Length);

        var without = (await server.GetAsync("/browser/wordpress")).AssertEnvelope(200, null).Data;
        Assert.Equal(JsonValueKind.Null, without.GetProperty("versions")[0].GetProperty("upgrade_from").ValueKind);
        (await server.GetAsync("/browser/wordpress?from=latest")).AssertEnvelope(400, "invalid_argument_from", "from");
        (await server.GetAsync("/browser/drupal")).AssertEnvelope(404, ErrorCodes.ApplicationNotFound);
    }

    [Fact]
    public async Task UnknownRoute_RouteNotFoundInEnvelope()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.GetAsync("/nothing/here")).AssertEnvelope(404, ErrorCodes.RouteNotFound);
        (await server.GetAsync("/nothing/here", key: null)).AssertEnvelope(403, ErrorCodes.InvalidApiKey);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryRoute()
    {
        await using var server = await ApiServer.StartAsync();
        var document = (await server.GetAsync("/openapi.json")).AssertEnvelope(200, null).Data;
        var paths = document.GetProperty("paths");
        foreach (var route in ApiRoutes.All)
        {
            var operation = paths.GetProperty("/" + route.Template).GetProperty(route.Method.ToLowerInvariant());
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
        }

        Assert.Equal(ApiRoutes.All.Count, paths.EnumerateObject().Sum(p => p.Value.EnumerateObject().Count()));
    }
}
