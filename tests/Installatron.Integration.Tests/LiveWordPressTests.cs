using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>
/// End to end on a live WordPress 6.1.9 (Debian's package, PHP's built-in server, MariaDB), imported from its path
/// and URL alone and updated from packages in wordpress.org's layouts (core rooted at <c>wordpress/</c>, a plugin at
/// its slug, a theme at its folder): a real update to a "6.1.10" built from the same tree whose database upgrade
/// really runs, and broken packages that the post-conditions catch and the revert undoes, tables included.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class LiveWordPressTests(MariaDbServer mariadb, ITestOutputHelper output)
{
    internal const string RemovedFile = LiveWordPressReleases.RemovedFile;
    internal const string AddedFile = LiveWordPressReleases.AddedFile;
    internal const string NewBundledTheme = LiveWordPressReleases.NewBundledTheme;
    internal const string DeletedBundledPlugin = LiveWordPressReleases.DeletedBundledPlugin;
    internal const string DbVersion = LiveWordPressReleases.DbVersion;
    internal const string NextDbVersion = LiveWordPressReleases.NextDbVersion;
    private const string Org = LiveWordPressReleases.Org;

    [Fact]
    public async Task Update_FromWordPressOrgLayouts_SiteReportsTheNewVersionsAndHoldsNoWordPressFolder()
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(harness.DataPath, "live"));
        var install = await ImportAsync(harness, wordpress);
        var content = SiteFiles.Hash(Path.Combine(wordpress.SitePath, "wp-content"));
        var config = await File.ReadAllBytesAsync(Path.Combine(wordpress.SitePath, "wp-config.php"));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var envelope = await harness.UpdateAsync($$"""{"version": "6.1.10", "revert": true}""", install.Id);
        output.WriteLine($"live update 6.1.9 -> 6.1.10 (backup, apply, database upgrade, health check): {watch.ElapsedMilliseconds} ms");

        Assert.True(envelope.Result, envelope.Message + JsonSerializer.Serialize(envelope.Data, ApiJson.Options));
        Assert.Equal("6.1.10", Assert.IsType<Install>(envelope.Data).Version);
        using var http = new HttpClient();
        var front = await http.GetAsync(wordpress.Url + "/");
        Assert.Equal(200, (int)front.StatusCode);
        var page = await front.Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"generator\" content=\"WordPress 6.1.10\" />", page); // the site itself says so
        Assert.Contains(LiveWordPress.Title, page);
        Assert.Contains("Hello world!", page);
        Assert.Equal(200, (int)(await http.GetAsync(wordpress.Url + "/wp-login.php")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(wordpress.SitePath, "wordpress")));
        Assert.True(File.Exists(Path.Combine(wordpress.SitePath, AddedFile)));
        Assert.False(File.Exists(Path.Combine(wordpress.SitePath, RemovedFile)));
        Assert.Equal(NextDbVersion, await wordpress.DbVersionAsync()); // its database upgrade ran

        // wp-content: only the release's new bundled theme was added; the plugin its owner deleted was not put back.
        Assert.True(File.Exists(Path.Combine(wordpress.SitePath, NewBundledTheme, "style.css")));
        Assert.False(Directory.Exists(Path.Combine(wordpress.SitePath, DeletedBundledPlugin)));
        Directory.Delete(Path.Combine(wordpress.SitePath, NewBundledTheme), recursive: true);
        Assert.Equal(content, SiteFiles.Hash(Path.Combine(wordpress.SitePath, "wp-content")));
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(wordpress.SitePath, "wp-config.php")));
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync($"?install={install.Id}")).Data!).Tasks);
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);
        Assert.Contains(new AppliedComponent("theme", "installatron-bundled", "", "1.0"), task.Applied);

        // Then the bundled plugin and theme, from their zips rooted at their folders; the install's lists are read back from the site.
        var components = await harness.UpdateAsync("""{"version": "current", "plugins": ["akismet"], "themes": ["twentytwentythree"]}""", install.Id);
        Assert.True(components.Result, components.Message);
        var updated = Assert.IsType<Install>(components.Data);
        Assert.Equal("5.3.8", updated.Plugins.Single(p => p.Id == "akismet").Version);
        Assert.Equal("1.1", updated.Themes.Single(t => t.Id == "twentytwentythree").Version);
        Assert.Contains("Version: 5.3.8", await File.ReadAllTextAsync(Path.Combine(wordpress.SitePath, "wp-content", "plugins", "akismet", "akismet.php")));
        Assert.Contains("Version: 1.1", await File.ReadAllTextAsync(Path.Combine(wordpress.SitePath, "wp-content", "themes", "twentytwentythree", "style.css")));
        Assert.False(Directory.Exists(Path.Combine(wordpress.SitePath, "wp-content", "plugins", "akismet", "akismet")));
        Assert.Contains(LiveWordPress.Title, await http.GetStringAsync(wordpress.Url + "/"));

        // A package whose version file says another version is refused at publish.
        var mislabelled = await Assert.ThrowsAsync<Refusal>(() => harness.PublishAsync(
            Applications.WordPress, "6.1.12", wordpress.CorePackage("wordpress-mislabelled", new Dictionary<string, string?>(), Org)));
        Assert.Equal("invalid_argument_package", mislabelled.Errcode);
        Assert.Contains("says it is version 6.1.10 ('wordpress/wp-includes/version.php')", mislabelled.Message);
    }

    [Fact]
    public async Task Update_HealthCheckFailsAfterTheDatabaseUpgrade_RevertRestoresTablesAndFiles()
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(harness.DataPath, "live"));
        var install = await ImportAsync(harness, wordpress);
        // The front page dies (wp-blog-header.php), wp-admin/upgrade.php still runs the database upgrade.
        await PublishBroken6111Async(harness, wordpress, "wp-blog-header.php", "<?php\ninstallatron_function_that_does_not_exist();\n");
        string? dbVersionWhenReverting = null;
        harness.Faults.OnPoint = point => dbVersionWhenReverting ??= point == UpdateFaults.BeforeRevert ? wordpress.DbVersionAsync().GetAwaiter().GetResult() : null;
        var files = SiteFiles.Hash(wordpress.SitePath);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var envelope = await harness.UpdateAsync("""{"version": "6.1.11", "revert": true}""", install.Id);
        output.WriteLine($"failed live update (database upgraded, site broken) and its revert: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(ErrorCodes.FailedHealthCheck, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Equal(NextDbVersion, dbVersionWhenReverting); // the upgrade had run before the revert
        Assert.Equal(DbVersion, await wordpress.DbVersionAsync());
        var backup = await harness.Services.GetRequiredService<BackupStore>().GetAsync(install.Id, task.Id, CancellationToken.None);
        Assert.Equal(12, backup!.Tables!.Count);
        Assert.Equal(backup.Tables, await new MySqlDatabase(wordpress.Database).ChecksumTablesAsync(install.Tables, CancellationToken.None));
        Assert.Equal(files, SiteFiles.Hash(wordpress.SitePath));
        using var http = new HttpClient();
        Assert.Contains("content=\"WordPress 6.1.9\"", await http.GetStringAsync(wordpress.Url + "/"));

        // The health step and then the revert had the site's PHP drop its compiled scripts (the revert need not wait for OPcache).
        var opcacheScript = $"[200]: GET /{SiteOpcache.ScriptName(task.Id)}";
        Assert.Equal(2, wordpress.Php.Output.Split('\n').Count(line => line.Contains(opcacheScript, StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Combine(wordpress.SitePath, SiteOpcache.ScriptName(task.Id))));
    }

    [Fact]
    public async Task Update_DatabaseUpgradeDoesNotRun_FailedDatabaseUpgradeAndReverted()
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(harness.DataPath, "live"));
        var install = await ImportAsync(harness, wordpress);
        // The site works, but its upgrade page answers without upgrading: the database stays at the old schema.
        await PublishBroken6111Async(harness, wordpress, "wp-admin/upgrade.php", "<?php\necho 'No upgrade today.';\n");
        var files = SiteFiles.Hash(wordpress.SitePath);

        var envelope = await harness.UpdateAsync("""{"version": "6.1.11", "revert": true}""", install.Id);

        Assert.Equal(ErrorCodes.FailedDatabaseUpgrade, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Contains($"db_version is {DbVersion}, WordPress 6.1.11 needs {NextDbVersion}", task.Message);
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);
        Assert.Equal(files, SiteFiles.Hash(wordpress.SitePath));
        Assert.Equal("6.1.9", (await harness.InstallAsync(install.Id)).Version);
    }

    [Fact]
    public async Task Update_DatabaseServerStoppedAsTheBackupStarts_NoFileTouchedAndAClearErrcode()
    {
        // A MariaDB of its own, since this test stops it.
        var own = new MariaDbServer();
        await own.InitializeAsync();
        try
        {
            await StopDatabaseAsTheBackupStartsAsync(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private async Task StopDatabaseAsTheBackupStartsAsync(MariaDbServer own)
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(own, Path.Combine(harness.DataPath, "live"));
        var install = await ImportAsync(harness, wordpress);
        var files = SiteFiles.Hash(wordpress.SitePath);
        harness.Faults.OnPoint = point =>
        {
            if (point == UpdateFaults.BeforeBackup)
            {
                own.DisposeAsync().GetAwaiter().GetResult();
            }
        };

        var envelope = await harness.UpdateAsync("""{"version": "6.1.10", "revert": true}""", install.Id);

        Assert.Equal(DatabaseErrors.Host, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        Assert.DoesNotContain(wordpress.Database.Password, task.Message);
        Assert.Equal(files, SiteFiles.Hash(wordpress.SitePath));
        var after = await harness.InstallAsync(install.Id);
        Assert.Equal(LiveWordPress.Version, after.Version);
        Assert.False(after.Incomplete);
    }

    /// <summary>
    /// 6.1.9 and a "6.1.10" (<see cref="LiveWordPressReleases"/>) as wordpress.org ships them; newer akismet and
    /// twentytwentythree zips rooted at their folders.
    /// </summary>
    internal static async Task PublishReleasesAsync(WorkflowHarness harness, LiveWordPress wordpress)
    {
        await harness.PublishAsync(Applications.WordPress, LiveWordPress.Version, LiveWordPressReleases.CurrentPackage(wordpress));
        await harness.PublishAsync(Applications.WordPress, LiveWordPressReleases.Next, LiveWordPressReleases.NextPackage(wordpress));
        await harness.PublishAsync("wp-plugin-akismet", "5.3.8", wordpress.PluginPackage("akismet", "5.3.8"));
        await harness.PublishAsync("wp-theme-twentytwentythree", "1.1", wordpress.ThemePackage("twentytwentythree", "1.1"));
    }

    /// <summary>A "6.1.11" in wordpress.org's layout whose database schema is one step on, with one file broken.</summary>
    internal static Task PublishBroken6111Async(WorkflowHarness harness, LiveWordPress wordpress, string file, string content) =>
        harness.PublishAsync(Applications.WordPress, "6.1.11", wordpress.CorePackage("wordpress-6.1.11", new Dictionary<string, string?>
        {
            ["wp-includes/version.php"] = LiveWordPressReleases.VersionFile("6.1.11", NextDbVersion),
            [file] = content,
        }, Org));

    /// <summary>
    /// The releases published (<see cref="PublishReleasesAsync"/>), then the live site imported as an install of a
    /// user of its own from its path and URL alone: everything else is read from the site. A remote site is imported
    /// for <paramref name="remoteUser"/>, at <paramref name="remotePath"/> (its path on that account's server).
    /// </summary>
    internal static async Task<Install> ImportAsync(WorkflowHarness harness, LiveWordPress wordpress, string? remoteUser = null, string? remotePath = null)
    {
        await PublishReleasesAsync(harness, wordpress);
        // Switch akismet on, as its admin would: the import must read that from the site's database.
        await TestSql.ExecuteAsync(wordpress.Database,
            "UPDATE wp_options SET option_value = 'a:1:{i:0;s:19:\"akismet/akismet.php\";}' WHERE option_name = 'active_plugins'");
        var user = remoteUser ?? "live" + Guid.NewGuid().ToString("N")[..8];
        if (remoteUser is null)
        {
            await harness.Services.GetRequiredService<UserStore>().AddAsync(new HostingUser
            {
                User = user, Home = wordpress.Root, Vhosts = ["127.0.0.1"], PhpVersion = "8.2", DbServer = DbServers.MariaDb, DbVersion = "10.11",
            }, CancellationToken.None);
        }

        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user"] = user, ["application"] = "wordpress", ["path"] = remotePath ?? wordpress.SitePath, ["url"] = wordpress.Url,
        });

        var imported = await harness.ImportAsync(body);

        Assert.True(imported.Result, imported.Message);
        var install = Assert.IsType<Install>(imported.Data);
        Assert.Equal(LiveWordPress.Version, install.Version);
        Assert.Equal(("mysql", $"{wordpress.Database.Host}:{wordpress.Database.Port}", wordpress.Database.Name, wordpress.Database.User, wordpress.Database.Password, "wp_"),
            (install.DbType, install.DbHost, install.DbName, install.DbUser, install.DbPass, install.DbPrefix));
        Assert.Equal(12, install.Tables.Count);
        Assert.Equal((await wordpress.TablesAsync()).Order(StringComparer.Ordinal), install.Tables);
        Assert.Equal(new PluginInfo("akismet", "5.0.2", true, "all"), install.Plugins.Single(p => p.Id == "akismet"));
        Assert.Equal(new ThemeInfo("twentytwentythree", "1.0", true, "all"), install.Themes.Single());
        return install;
    }
}
