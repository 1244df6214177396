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
/// End to end on a live WordPress 6.1.9 (Debian's package, PHP's built-in server, MariaDB): a real update to a
/// "6.1.10" built from the same tree, and a broken package that the health check catches and the revert undoes.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class LiveWordPressTests(MariaDbServer mariadb, ITestOutputHelper output)
{
    private const string RemovedFile = "wp-links-opml.php";
    private const string AddedFile = "wp-includes/installatron-6-1-10.php";

    [Fact]
    public async Task Update_619To6110_SiteServesChangedCoreUserContentUntouched()
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
        Assert.Contains("$wp_version = '6.1.10';", await File.ReadAllTextAsync(Path.Combine(wordpress.SitePath, "wp-includes", "version.php")));
        Assert.True(File.Exists(Path.Combine(wordpress.SitePath, AddedFile)));
        Assert.False(File.Exists(Path.Combine(wordpress.SitePath, RemovedFile)));
        Assert.Equal(content, SiteFiles.Hash(Path.Combine(wordpress.SitePath, "wp-content")));
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(wordpress.SitePath, "wp-config.php")));

        using var http = new HttpClient();
        var front = await http.GetAsync(wordpress.Url + "/");
        Assert.Equal(200, (int)front.StatusCode);
        var page = await front.Content.ReadAsStringAsync();
        Assert.Contains(LiveWordPress.Title, page);
        Assert.Contains("Hello world!", page);
        Assert.Equal(200, (int)(await http.GetAsync(wordpress.Url + "/wp-login.php")).StatusCode);
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync($"?install={install.Id}")).Data!).Tasks);
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);

        // Then the bundled plugin, from its newer package; the install's list is read back from the site.
        var plugin = await harness.UpdateAsync("""{"version": "current", "plugins": ["akismet"]}""", install.Id);
        Assert.True(plugin.Result, plugin.Message);
        Assert.Equal("5.3.8", Assert.IsType<Install>(plugin.Data).Plugins.Single(p => p.Id == "akismet").Version);
        Assert.Contains("Version: 5.3.8", await File.ReadAllTextAsync(Path.Combine(wordpress.SitePath, "wp-content", "plugins", "akismet", "akismet.php")));
        Assert.Contains(LiveWordPress.Title, await http.GetStringAsync(wordpress.Url + "/"));
    }

    [Fact]
    public async Task Update_PackageWithFatalError_HealthCheckFailsAndEverythingIsRestored()
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(harness.DataPath, "live"));
        var install = await ImportAsync(harness, wordpress);
        var broken = wordpress.CorePackage("wordpress-6.1.11", new Dictionary<string, string?>
        {
            ["wp-includes/version.php"] = VersionFile("6.1.11"),
            ["wp-includes/formatting.php"] = File.ReadAllText(Path.Combine(wordpress.SitePath, "wp-includes", "formatting.php"))
                .Replace("<?php", "<?php\ninstallatron_function_that_does_not_exist();", StringComparison.Ordinal),
        });
        await harness.PublishAsync(Applications.WordPress, "6.1.11", broken);
        var files = SiteFiles.Hash(wordpress.SitePath);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var envelope = await harness.UpdateAsync("""{"version": "6.1.11", "revert": true}""", install.Id);
        output.WriteLine($"failed live update and its revert: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(ErrorCodes.FailedHealthCheck, envelope.Errcode);
        Assert.Equal(TaskStatuses.Reverted, Assert.IsType<UpdateTask>(envelope.Data).Status);
        Assert.Equal(files, SiteFiles.Hash(wordpress.SitePath));
        // Page views write to the database (WordPress's transients, akismet's options), so "before" is the state the
        // backup captured, just before the update touched anything.
        var backup = await harness.Services.GetRequiredService<BackupStore>().GetAsync(install.Id, Assert.IsType<UpdateTask>(envelope.Data).Id, CancellationToken.None);
        Assert.Equal(install.Tables.Count, backup!.Tables!.Count);
        Assert.Equal(backup.Tables, await new MySqlDatabase(wordpress.Database).ChecksumTablesAsync(install.Tables, CancellationToken.None));
        using var http = new HttpClient();
        Assert.Contains(LiveWordPress.Title, await http.GetStringAsync(wordpress.Url + "/"));
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

    /// <summary>The live site as an install of a user of its own, with 6.1.9, 6.1.10 and a newer akismet in the catalog.</summary>
    private static async Task<Install> ImportAsync(WorkflowHarness harness, LiveWordPress wordpress)
    {
        await harness.PublishAsync(Applications.WordPress, "6.1.9", wordpress.CorePackage("wordpress-6.1.9", new Dictionary<string, string?>()));
        await harness.PublishAsync(Applications.WordPress, "6.1.10", wordpress.CorePackage("wordpress-6.1.10", new Dictionary<string, string?>
        {
            ["wp-includes/version.php"] = VersionFile("6.1.10"),
            [AddedFile] = "<?php\n// Added in 6.1.10 (test package).\n",
            [RemovedFile] = null,
            ["readme.html"] = "<html><body><h1>WordPress 6.1.10 (test package)</h1></body></html>\n",
        }));
        await harness.PublishAsync(Recipes.PluginApplication("akismet"), "5.3.8", wordpress.PluginPackage("akismet", "5.3.8"));

        // Switch akismet on, as its admin would: the import must read that from the site's database.
        await TestSql.ExecuteAsync(wordpress.Database,
            "UPDATE wp_options SET option_value = 'a:1:{i:0;s:19:\"akismet/akismet.php\";}' WHERE option_name = 'active_plugins'");
        var user = "live" + Guid.NewGuid().ToString("N")[..8];
        await harness.Services.GetRequiredService<UserStore>().AddAsync(new HostingUser
        {
            User = user, Home = wordpress.Root, Vhosts = ["127.0.0.1"], PhpVersion = "8.2", DbServer = DbServers.MariaDb, DbVersion = "10.11",
        }, CancellationToken.None);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user"] = user, ["application"] = "wordpress", ["version"] = LiveWordPress.Version, ["path"] = wordpress.SitePath,
            ["url"] = wordpress.Url, ["db_type"] = "mysql", ["db_host"] = $"{wordpress.Database.Host}:{wordpress.Database.Port}",
            ["db_name"] = wordpress.Database.Name, ["db_user"] = wordpress.Database.User, ["db_pass"] = wordpress.Database.Password,
            ["db_prefix"] = "wp_", ["tables"] = await wordpress.TablesAsync(),
        });
        var imported = await harness.ImportAsync(body);
        Assert.True(imported.Result, imported.Message);
        var install = Assert.IsType<Install>(imported.Data);
        Assert.Equal(new PluginInfo("akismet", "5.0.2", true, "all"), install.Plugins.Single(p => p.Id == "akismet"));
        Assert.Equal(new ThemeInfo("twentytwentythree", "1.0", true, "all"), install.Themes.Single());
        Assert.Equal(12, install.Tables.Count);
        return install;
    }

    private static string VersionFile(string version) =>
        File.ReadAllText(Path.Combine(LiveWordPress.DebianTree, "wp-includes", "version.php"))
            .Replace("$wp_version = '6.1.9';", $"$wp_version = '{version}';", StringComparison.Ordinal);
}
