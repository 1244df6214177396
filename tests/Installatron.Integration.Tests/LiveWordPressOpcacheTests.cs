using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Integration.Tests;

/// <summary>
/// The live WordPress site served by a PHP whose OPcache is on, as on nearly every host: the old compiled
/// <c>version.php</c> is cached right before the apply, so <c>upgrade.php</c> run within OPcache's revalidation
/// interval would still see 6.1.9 and skip the database upgrade. The health step has the site's PHP drop the site's
/// compiled scripts (<see cref="SiteOpcache"/>) and, where that PHP will not, waits until OPcache revalidates.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class LiveWordPressOpcacheTests(MariaDbServer mariadb)
{
    [Fact]
    public async Task Update_PhpWithOpcache_SiteDropsItsCompiledScriptsAndTheDatabaseUpgradeRunsTheNewFiles() =>
        await UpdateAsync(PhpServer.DefaultOpcache, async (task, wordpress) =>
        {
            Assert.Equal(TaskStatuses.Complete, task.Status);
            Assert.Equal(LiveWordPressReleases.NextDbVersion, await wordpress.DbVersionAsync());
            Assert.Contains($"[200]: GET /{SiteOpcache.ScriptName(task.Id)}", wordpress.Php.Output);
            Assert.False(File.Exists(Path.Combine(wordpress.SitePath, SiteOpcache.ScriptName(task.Id))));
            using var http = new HttpClient();
            Assert.Contains($"content=\"WordPress {LiveWordPressReleases.Next}\"", await http.GetStringAsync(wordpress.Url + "/"));
        });

    [Fact]
    public async Task Update_OpcacheApiRestricted_WaitsForRevalidationAndTheDatabaseUpgradeRunsTheNewFiles() =>
        // The host allows OPcache's API to no script of the site: the site's PHP cannot drop anything, so the step waits.
        await UpdateAsync([.. PhpServer.DefaultOpcache, "opcache.restrict_api=/nonexistent-installatron"], async (task, wordpress) =>
        {
            Assert.Equal(TaskStatuses.Complete, task.Status);
            Assert.Equal(LiveWordPressReleases.NextDbVersion, await wordpress.DbVersionAsync());
            Assert.Contains($"[200]: GET /{SiteOpcache.ScriptName(task.Id)}", wordpress.Php.Output);
            Assert.False(File.Exists(Path.Combine(wordpress.SitePath, SiteOpcache.ScriptName(task.Id))));
            var apply = task.Steps.Single(s => s.Step == TaskSteps.Apply);
            var health = task.Steps.Single(s => s.Step == TaskSteps.Health);
            Assert.True(health.TimeStarted * 1000 + health.DurationMs >= apply.TimeStarted * 1000 + apply.DurationMs + 2000,
                "the health step waited for OPcache to revalidate");
        });

    private async Task UpdateAsync(IReadOnlyList<string> phpSettings, Func<UpdateTask, LiveWordPress, Task> check)
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(harness.DataPath, "live"), phpSettings);
        var install = await LiveWordPressTests.ImportAsync(harness, wordpress);
        using var http = new HttpClient();
        harness.Faults.OnPoint = point =>
        {
            if (point == UpdateFaults.BeforeApply)
            {
                // 6.1.9's scripts compiled now: OPcache trusts them for 2 s more.
                Assert.Contains("content=\"WordPress 6.1.9\"", http.GetStringAsync(wordpress.Url + "/").GetAwaiter().GetResult());
            }
        };

        var envelope = await harness.UpdateAsync($$"""{"version": "{{LiveWordPressReleases.Next}}", "revert": true}""", install.Id);

        Assert.True(envelope.Result, envelope.Message);
        await check(Assert.Single(((TaskPage)(await harness.ListTasksAsync($"?install={install.Id}")).Data!).Tasks), wordpress);
    }
}
