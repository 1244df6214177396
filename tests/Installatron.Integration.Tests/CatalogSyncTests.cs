using System.Security.Cryptography;
using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>
/// The catalog sync through <c>POST /catalog/sync</c> of the real server, against a local source answering in
/// WordPress.org's formats with real zips in wordpress.org's layout. The demo install runs WordPress 6.7.2 with the
/// plugins akismet and limit-login-attempts-reloaded and the themes twentytwentythree and twentytwentyfive.
/// </summary>
public sealed class CatalogSyncTests
{
    [Fact]
    public async Task SyncCatalog_FixtureSource_NewVersionsWithRequirementsPackagesAndChecksums()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);

        var run = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null).Data;

        Assert.Equal(
            [
                ("wordpress", "6.7.4", "added"), ("wordpress", "6.8.1", "added"),
                ("wp-plugin-akismet", "5.3.8", "added"), ("wp-plugin-limit-login-attempts-reloaded", null, "not_found"),
                ("wp-theme-twentytwentyfive", "1.3", "added"), ("wp-theme-twentytwentythree", "1.6", "added"),
            ],
            Items(run));
        Assert.Equal(["wordpress 6.7.4", "wordpress 6.8.1", "wordpress 6.7.2"], run.GetProperty("checksums_stored").EnumerateArray().Select(e => e.GetString()));

        var browser = (await server.GetAsync("/browser/wordpress?from=6.7.2")).AssertEnvelope(200, null).Data.GetProperty("versions");
        var minor = Version(browser, "6.7.4");
        Assert.Equal("auto", minor.GetProperty("upgrade_from").GetString());
        Assert.Equal("6.7", minor.GetProperty("branch").GetString());
        var major = Version(browser, "6.8.1");
        Assert.Equal("manual", major.GetProperty("upgrade_from").GetString());
        Assert.Equal("""[{"from":"6.8.*","mode":"auto"},{"from":"*","mode":"manual"}]""", major.GetProperty("upgrade_from_rules").GetRawText());
        Assert.Equal("""{"php_min":"7.2.24","php_max":"","mysql_min":"5.5.5","mariadb_min":"5.5.5"}""", major.GetProperty("requirements").GetRawText());
        Assert.Equal(Sha256(source.CoreZip("6.8.1")), major.GetProperty("package").GetProperty("sha256").GetString());
        Assert.DoesNotContain(browser.EnumerateArray(), v => v.GetProperty("version").GetString() == "6.8.0");

        // The package store holds the very zip the source served, and the release's checksums beside it.
        var catalog = server.Services.GetRequiredService<CatalogStore>();
        Assert.Equal(source.CoreZip("6.8.1"), await PackageBytesAsync(catalog, "wordpress", "6.8.1"));
        Assert.Equal(source.PluginZip("akismet"), await PackageBytesAsync(catalog, "wp-plugin-akismet", "5.3.8"));
        var checksums = server.Services.GetRequiredService<CoreChecksumStore>();
        Assert.Equal(FixtureRelease.Md5(source.CoreReleases.Single(r => r.Version == "6.7.2").Files["wp-includes/version.php"]),
            (await checksums.GetAsync("wordpress", "6.7.2", CancellationToken.None))!.Files["wp-includes/version.php"]);

        var plugin = Version((await server.GetAsync("/browser/wp-plugin-akismet")).AssertEnvelope(200, null).Data.GetProperty("versions"), "5.3.8");
        Assert.Equal("5.6.20", plugin.GetProperty("requirements").GetProperty("php_min").GetString());
        var theme = Version((await server.GetAsync("/browser/wp-theme-twentytwentythree")).AssertEnvelope(200, null).Data.GetProperty("versions"), "1.6");
        Assert.Equal("", theme.GetProperty("requirements").GetProperty("php_min").GetString());

        // Manual publishing keeps working beside the sync.
        (await PublishTests.PublishAsync(server, "6.8.2", "[]", "{}")).AssertEnvelope(201, null);
    }

    [Fact]
    public async Task SyncCatalog_SecondRun_AddsNothingAndDownloadsNothing()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);
        (await server.PostJsonAsync("/catalog/sync", "")).AssertEnvelope(200, null);
        var snapshot = await server.SnapshotAsync();

        var second = (await server.PostJsonAsync("/catalog/sync", "")).AssertEnvelope(200, null).Data;

        Assert.All(Items(second), item => Assert.Contains(item.Outcome, new[] { SyncOutcomes.Present, SyncOutcomes.NotFound }));
        Assert.Empty(second.GetProperty("checksums_stored").EnumerateArray());
        Assert.Equal(snapshot, await server.SnapshotAsync());
        Assert.Equal(1, source.Requests(source.CoreZipPath("6.7.4")));
        Assert.Equal(1, source.Requests(source.CoreZipPath("6.8.1")));
        Assert.Equal(1, source.Requests("/plugin/akismet.5.3.8.zip"));
        Assert.Equal(0, source.Requests(source.CoreZipPath("6.7.2")));
    }

    [Fact]
    public async Task SyncCatalog_PackagesNotMatchingTheSourcesChecksums_RejectedAndNothingOfThemStored()
    {
        await using var source = await SourceAsync();
        source.CoreReleases[^1] = source.CoreReleases[^1] with
        {
            ShippedInstead = new Dictionary<string, string> { ["wp-includes/functions.php"] = "<?php @eval($_POST['x']); // not the release\n" },
        };
        source.Plugins["akismet"] = source.Plugins["akismet"] with
        {
            ShippedInstead = new Dictionary<string, string> { ["akismet.php"] = "<?php /* Plugin Name: Akismet\nVersion: 5.3.8 */ system($_GET['c']);\n" },
        };
        source.Themes["twentytwentyfive"] = source.Themes["twentytwentyfive"] with { PublishedSha1 = new string('a', 40) };
        await using var server = await ServerAsync(source);

        var run = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null).Data;

        Assert.Contains(("wordpress", "6.7.4", "added"), Items(run));
        var rejected = run.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("outcome").GetString() == "rejected").ToList();
        Assert.Equal(["wordpress 6.8.1", "wp-plugin-akismet 5.3.8", "wp-theme-twentytwentyfive 1.3"],
            rejected.Select(i => $"{i.GetProperty("application").GetString()} {i.GetProperty("version").GetString()}"));
        Assert.Contains("'wp-includes/functions.php' does not match its checksum", rejected[0].GetProperty("message").GetString());
        Assert.Contains("'akismet.php' does not match its checksum", rejected[1].GetProperty("message").GetString());
        Assert.Contains("SHA-1", rejected[2].GetProperty("message").GetString());

        (await server.GetAsync("/browser/wp-plugin-akismet")).AssertEnvelope(200, null);
        Assert.DoesNotContain("5.3.8", (await server.GetAsync("/browser/wp-plugin-akismet")).Body);
        Assert.DoesNotContain("\"6.8.1\"", (await server.GetAsync("/browser/wordpress")).Body);
        Assert.DoesNotContain(await BlobNamesAsync(server), name =>
            name.StartsWith("wordpress/6.8.1/", StringComparison.Ordinal) || name.StartsWith("wp-plugin-akismet/5.3.8/", StringComparison.Ordinal)
            || name.StartsWith("wp-theme-twentytwentyfive/1.3/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyncCatalog_DownloadFailsHalfWay_RerunConvergesToTheFullCatalog()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);
        source.FailOnce(source.CoreZipPath("6.8.1"));

        var first = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null).Data;
        Assert.Contains(("wordpress", "6.8.1", "failed"), Items(first));
        Assert.Contains(("wordpress", "6.7.4", "added"), Items(first));

        var second = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null).Data;
        Assert.Equal(
            [
                ("wordpress", "6.7.4", "present"), ("wordpress", "6.8.1", "added"),
                ("wp-plugin-akismet", "5.3.8", "present"), ("wp-plugin-limit-login-attempts-reloaded", null, "not_found"),
                ("wp-theme-twentytwentyfive", "1.3", "present"), ("wp-theme-twentytwentythree", "1.6", "present"),
            ],
            Items(second));
        Assert.Equal(await CatalogAfterOneCleanSyncAsync(), await CatalogAsync(server));
    }

    [Fact]
    public async Task RunOnce_CancelledWhileDownloading_RerunConvergesAndLeavesNoPartialPackage()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);
        var sync = server.Services.GetRequiredService<CatalogSync>();
        using var interrupt = new CancellationTokenSource();
        source.OnRequest = path =>
        {
            if (path == "/plugin/akismet.5.3.8.zip")
            {
                interrupt.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sync.RunOnceAsync(interrupt.Token));
        source.OnRequest = null;
        Assert.DoesNotContain(await BlobNamesAsync(server), name => name.StartsWith("wp-plugin-akismet/5.3.8/", StringComparison.Ordinal));

        var rerun = await sync.RunOnceAsync(CancellationToken.None);

        Assert.Contains(rerun.Items, i => i is { Application: "wp-plugin-akismet", Version: "5.3.8", Outcome: SyncOutcomes.Added });
        Assert.Equal(await CatalogAfterOneCleanSyncAsync(), await CatalogAsync(server));
    }

    [Fact]
    public async Task SyncCatalog_SourceUnreachable_FailedCatalogSourceAndNothingStored()
    {
        var closed = await SourceAsync();
        await closed.DisposeAsync();
        await using var server = await ServerAsync(closed);
        var snapshot = await server.SnapshotAsync();

        var response = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(500, ErrorCodes.FailedCatalogSource);

        Assert.Contains("cannot be reached", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task SyncCatalog_SourceUrlEmpty_SyncOffAndNothingStored()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();

        var response = (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(409, ErrorCodes.CatalogSyncOff);

        Assert.Contains("Installatron__CatalogSourceUrl is empty", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task SyncCatalog_UnknownParameterOrNoKey_RefusedBeforeAnyRequest()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);

        (await server.PostJsonAsync("/catalog/sync", """{"force": true}""")).AssertEnvelope(400, ErrorCodes.UnknownArgument, "force");
        (await server.PostJsonAsync("/catalog/sync", "{}", key: null)).AssertEnvelope(403, ErrorCodes.InvalidApiKey);
        Assert.Equal(0, source.Requests("/core/version-check/1.7/"));
    }

    /// <summary>
    /// The source's releases: core 6.7.2–6.7.4 and 6.8.1 (6.8.0 insecure), akismet 5.3.8 with per-file checksums,
    /// themes twentytwentyfive 1.3 and twentytwentythree 1.6 (no PHP minimum); limit-login-attempts-reloaded is unknown.
    /// </summary>
    private static async Task<WordPressOrgServer> SourceAsync()
    {
        var source = await WordPressOrgServer.StartAsync();
        source.CoreReleases.AddRange(
        [
            new FixtureRelease("6.7.2", WordPressReleases.Core("6.7.2")),
            new FixtureRelease("6.7.3", WordPressReleases.Core("6.7.3")),
            new FixtureRelease("6.7.4", WordPressReleases.Core("6.7.4")),
            new FixtureRelease("6.8.0", WordPressReleases.Core("6.8.0", 60421)) { Insecure = true },
            new FixtureRelease("6.8.1", WordPressReleases.Core("6.8.1", 60421)),
        ]);
        source.Plugins["akismet"] = new FixtureRelease("5.3.8", WordPressReleases.Plugin("akismet", "Akismet Anti-spam: Spam Protection", "5.3.8")) { PhpMin = "5.6.20" };
        source.Themes["twentytwentyfive"] = new FixtureRelease("1.3", WordPressReleases.Theme("Twenty Twenty-Five", "1.3")) { PhpMin = "7.2" };
        source.Themes["twentytwentythree"] = new FixtureRelease("1.6", WordPressReleases.Theme("Twenty Twenty-Three", "1.6")) { PhpMin = "" };
        return source;
    }

    private static Task<ApiServer> ServerAsync(WordPressOrgServer source) =>
        ApiServer.StartAsync(settings: ["--Installatron:CatalogSourceUrl", source.BaseUrl]);

    /// <summary>Every application's versions with their package hashes, after one uninterrupted sync from a fresh source.</summary>
    private static async Task<IReadOnlyList<string>> CatalogAfterOneCleanSyncAsync()
    {
        await using var source = await SourceAsync();
        await using var server = await ServerAsync(source);
        (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null);
        return await CatalogAsync(server);
    }

    private static async Task<IReadOnlyList<string>> CatalogAsync(ApiServer server)
    {
        var catalog = server.Services.GetRequiredService<CatalogStore>();
        var lines = new List<string>();
        foreach (var application in new[] { "wordpress", "wp-plugin-akismet", "wp-theme-twentytwentyfive", "wp-theme-twentytwentythree" })
        {
            foreach (var version in await catalog.ListVersionsAsync(application, CancellationToken.None))
            {
                lines.Add($"{application} {version.Version} {version.Package.Sha256} {JsonSerializer.Serialize(version.UpgradeFrom)} {JsonSerializer.Serialize(version.Requirements)}");
            }
        }

        lines.AddRange((await BlobNamesAsync(server)).Where(n => n.EndsWith("core-checksums.json", StringComparison.Ordinal)));
        return lines;
    }

    private static List<(string Application, string? Version, string Outcome)> Items(JsonElement run) =>
        run.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("application").GetString()!, i.GetProperty("version").GetString(), i.GetProperty("outcome").GetString()!))
            .ToList();

    private static JsonElement Version(JsonElement versions, string version) =>
        versions.EnumerateArray().Single(v => v.GetProperty("version").GetString() == version);

    private static async Task<byte[]> PackageBytesAsync(CatalogStore catalog, string application, string version)
    {
        await using var package = await catalog.OpenPackageAsync((await catalog.GetVersionAsync(application, version, CancellationToken.None))!, CancellationToken.None);
        using var bytes = new MemoryStream();
        await package.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    private static async Task<List<string>> BlobNamesAsync(ApiServer server)
    {
        var names = new List<string>();
        await foreach (var blob in server.Services.GetRequiredService<InstallatronTables>().Packages.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
