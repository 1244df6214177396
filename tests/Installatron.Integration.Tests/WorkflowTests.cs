using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>The durable update on real files and tables (in-memory Durable backend): success, revert at every step, modes, one update per install.</summary>
public sealed class WorkflowTests
{
    [Fact]
    public async Task Update_SeedExample1_Updates672To673KeepingUserContent()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var content = SiteFiles.Hash(Path.Combine(harness.SitePath, "wp-content"));
        var config = await File.ReadAllBytesAsync(Path.Combine(harness.SitePath, "wp-config.php"));

        var envelope = await harness.UpdateAsync($$"""{"user": "{{DemoData.User}}"}""");

        Assert.True(envelope.Result, envelope.Message);
        Assert.Equal(200, envelope.Status);
        Assert.Equal(ApiResult.TaskComplete, envelope.Message);
        var data = Assert.IsType<Install>(envelope.Data);
        Assert.Equal("6.7.3", data.Version);
        Assert.Equal("", data.VersionAutouped); // An API update is not an automatic one.
        Assert.Equal(0, data.VersionAutoupedAttempts);
        Assert.Contains("'6.7.3'", await File.ReadAllTextAsync(Path.Combine(harness.SitePath, "wp-includes", "version.php")));
        Assert.Equal(content, SiteFiles.Hash(Path.Combine(harness.SitePath, "wp-content")));
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(harness.SitePath, "wp-config.php")));
        Assert.False(File.Exists(Path.Combine(harness.SitePath, ".maintenance")));

        var tasks = (TaskPage)(await harness.ListTasksAsync()).Data!;
        var task = Assert.Single(tasks.Tasks);
        Assert.Equal(TaskStatuses.Complete, task.Status);
        Assert.Equal(TaskSteps.Done, task.Step);
        Assert.Equal(100, task.Progress);
        Assert.NotNull(task.BackupId);
    }

    [Fact]
    public async Task Update_SeedExample2_PluginsAndThemesOnly()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var core = await File.ReadAllTextAsync(Path.Combine(harness.SitePath, "wp-includes", "version.php"));

        var envelope = await harness.UpdateAsync("""{"version": "current", "plugin": [], "theme": []}""");

        Assert.True(envelope.Result, envelope.Message);
        var data = Assert.IsType<Install>(envelope.Data);
        Assert.Equal("6.7.2", data.Version);
        Assert.Equal("5.3.7", data.Plugins.Single(p => p.Id == "akismet").Version);
        Assert.Equal("2.26.18", data.Plugins.Single(p => p.Id == "limit-login-attempts-reloaded").Version);
        Assert.Equal("1.2", data.Themes.Single(t => t.Id == "twentytwentyfive").Version);
        Assert.Contains("Version: 5.3.7", await File.ReadAllTextAsync(Path.Combine(harness.SitePath, "wp-content", "plugins", "akismet", "akismet.php")));
        Assert.True(File.Exists(Path.Combine(harness.SitePath, "wp-content", "plugins", "akismet", "readme.txt")));
        Assert.Equal(core, await File.ReadAllTextAsync(Path.Combine(harness.SitePath, "wp-includes", "version.php")));
    }

    [Fact]
    public async Task Update_AllPlugins_SkipsThoseWithAutoupNoneUnlessNamed()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeInstallAsync(i => i with { Plugins = [.. i.Plugins.Select(p => p.Id == "akismet" ? p with { Autoup = "none" } : p)] });

        var all = Assert.IsType<Install>((await harness.UpdateAsync("""{"version": "current", "plugins": []}""")).Data);
        Assert.Equal("5.3.6", all.Plugins.Single(p => p.Id == "akismet").Version);

        var named = Assert.IsType<Install>((await harness.UpdateAsync("""{"version": "current", "plugins": ["akismet"]}""")).Data);
        Assert.Equal("5.3.7", named.Plugins.Single(p => p.Id == "akismet").Version);
        Assert.Equal("none", named.Plugins.Single(p => p.Id == "akismet").Autoup);
    }

    [Theory]
    [InlineData(UpdateFaults.BeforeApply, ErrorCodes.FailedUpdate)]
    [InlineData(UpdateFaults.AfterCoreApplied, ErrorCodes.FailedUpdate)]
    [InlineData(UpdateFaults.BeforeVerify, ErrorCodes.FailedVerify)]
    public async Task Update_FailureAfterBackup_RevertedByteIdentical(string point, string errcode)
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var before = SiteFiles.Hash(harness.SitePath);
        harness.Faults.FailAt(point);

        var envelope = await harness.UpdateAsync("""{"revert": true, "plugins": []}""");

        Assert.False(envelope.Result);
        Assert.Equal(errcode, envelope.Errcode);
        Assert.Equal(500, envelope.Status);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));

        var install = await harness.InstallAsync();
        Assert.Equal("6.7.2", install.Version);
        Assert.Equal(0, install.VersionAutoupedAttempts); // Only automatic updates count.
        Assert.False(install.Incomplete);
        Assert.Equal(errcode, Assert.Single(install.Failures).Errcode);
        Assert.Null(await harness.Services.GetRequiredService<Core.Storage.LeaseStore>().HolderAsync(DemoData.InstallId, CancellationToken.None));
    }

    [Fact]
    public async Task Update_RemoteBackupLocation_StoredInTheContainersStoreAndRestoredFromIt()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeInstallAsync(i => i with { Bkloc = "offsite1" });
        var before = SiteFiles.Hash(harness.SitePath);
        var localBackups = Path.Combine(harness.DataPath, "demo", "home", DemoData.User, ".appdata", "backups");
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);

        var envelope = await harness.UpdateAsync("{}");

        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.False(Directory.Exists(localBackups) && Directory.EnumerateFiles(localBackups, "*", SearchOption.AllDirectories).Any()); // nothing on this disk
        var tables = harness.Services.GetRequiredService<Core.Storage.InstallatronTables>();
        var blobs = new List<string>();
        await foreach (var blob in tables.BackupBlobs.GetBlobsAsync())
        {
            blobs.Add(blob.Name);
        }

        var document = $"store/{DemoData.User}/{DemoData.InstallId}/{task.Id}.json";
        Assert.Contains(document, blobs);
        Assert.All(blobs.Where(b => b != document), b => Assert.StartsWith($"store/{DemoData.User}/objects/", b, StringComparison.Ordinal));
        var backup = await harness.Services.GetRequiredService<Core.Storage.BackupStore>().GetAsync(DemoData.InstallId, task.Id, CancellationToken.None);
        Assert.Equal((Core.Storage.BackupRecord.BlobStoreFormat, document), (backup!.Format, backup.ArchivePath));
    }

    [Fact]
    public async Task Update_FailureWithoutBackup_FailedAndMarkedIncomplete()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeInstallAsync(i => i with { AutoupBackup = "none" });
        harness.Faults.FailAt(UpdateFaults.AfterCoreApplied);

        var envelope = await harness.UpdateAsync("{}");

        Assert.Equal(ErrorCodes.FailedUpdate, envelope.Errcode);
        Assert.Equal(TaskStatuses.Failed, Assert.IsType<UpdateTask>(envelope.Data).Status);
        Assert.Null(Assert.IsType<UpdateTask>(envelope.Data).BackupId);
        Assert.True((await harness.InstallAsync()).Incomplete);
    }

    [Fact]
    public async Task AutoUpdate_ThreeFailedAttempts_StopsUntilASuccessfulUpdateResetsTheCount()
    {
        // A breaker that never trips: this is about the attempts, not the rollout's health.
        await using var harness = await WorkflowHarness.StartAsync(settings: new Dictionary<string, string?> { ["Installatron:RolloutFailurePercent"] = "100" });
        harness.Faults.FailAt(UpdateFaults.BeforeApply);

        for (var attempt = 1; attempt <= AutoUpdater.MaxFailedAttempts; attempt++)
        {
            var run = await harness.SweepAsync();
            Assert.Equal(1, run.Planned);
            Assert.Equal(attempt, (await harness.InstallAsync()).VersionAutoupedAttempts);
        }

        var fourth = await harness.SweepAsync();
        Assert.Equal(0, fourth.Planned);
        Assert.Equal(3, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);

        // A successful update (here through the API) resets the count; automatic updates resume.
        harness.Faults.FailAt("nowhere");
        Assert.True((await harness.UpdateAsync("""{"version": "current", "plugins": []}""")).Result);
        Assert.Equal(0, (await harness.InstallAsync()).VersionAutoupedAttempts);
        var resumed = await harness.SweepAsync();
        Assert.Equal(1, resumed.Planned);
        var tasks = ((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks;
        Assert.Equal(4, tasks.Count(t => t.Automatic));
        Assert.Single(tasks, t => t.Automatic && t.Status == TaskStatuses.Complete);
        var install = await harness.InstallAsync();
        Assert.Equal("6.7.3", install.Version);
        Assert.Equal("6.7.3", install.VersionAutouped);
        Assert.Equal(3, install.Failures.Count);
    }

    [Fact]
    public async Task AutoUpdate_AutoupNoneOrMinorWithoutBranchUpdate_NothingStarted()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeInstallAsync(i => i with { Autoup = "none" });
        Assert.Equal(0, (await harness.SweepAsync()).Planned);

        // 7.0.0 needs a manual update and 6.7.3 is the branch's newest: from 6.7.3 there is nothing automatic to do.
        await harness.ChangeInstallAsync(i => i with { Autoup = "all", Version = "6.7.3" });
        Assert.Equal(0, (await harness.SweepAsync()).Planned);
        Assert.Equal(0, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);
    }

    /// <summary>Waits for every task that is not finished (tasks created in the same second have no reliable order).</summary>
    private static async Task WaitForAllTasksAsync(WorkflowHarness harness)
    {
        foreach (var task in ((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks.Where(t => !t.IsFinished))
        {
            await harness.WaitForTaskAsync(task.Id);
        }
    }

    [Fact]
    public async Task Update_Background_ReturnsTaskAfterPreflightThenCompletes()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeApply;

        var envelope = await harness.UpdateAsync("""{"background": true}""");

        Assert.True(envelope.Result, envelope.Message);
        Assert.Equal(200, envelope.Status);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal("6.7.3", task.VersionTo);
        Assert.Contains(task.Id, envelope.Message);
        var running = (UpdateTask)(await harness.GetTaskAsync(task.Id)).Data!;
        Assert.False(running.IsFinished);

        harness.Faults.Gate.SetResult();
        Assert.Equal(TaskStatuses.Complete, (await harness.WaitForTaskAsync(task.Id)).Status);
        Assert.Equal(TaskStatuses.Complete, ((UpdateTask)(await harness.GetTaskAsync(task.Id)).Data!).Status);
    }

    [Fact]
    public async Task Update_BackgroundPreflightFails_ErrorAndNoTask()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeOwnerAsync(u => u with { Vhosts = ["elsewhere.example"] });

        var envelope = await harness.UpdateAsync("""{"background": true}""");

        Assert.Equal(ErrorCodes.FailedWebsiteVhost, envelope.Errcode);
        Assert.Equal(500, envelope.Status);
        Assert.Equal(0, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);
        Assert.Null(await harness.Services.GetRequiredService<Core.Storage.LeaseStore>().HolderAsync(DemoData.InstallId, CancellationToken.None));
    }

    [Fact]
    public async Task Update_SiteFolderGone_FailedFilesystemDirectory()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        Directory.Move(harness.SitePath, harness.SitePath + "-moved");
        Assert.Equal(ErrorCodes.FailedFilesystemDirectory, (await harness.UpdateAsync("{}")).Errcode);
    }

    [Fact]
    public async Task Update_QuotaTooSmall_FailedFilesystemQuota()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await harness.ChangeOwnerAsync(u => u with { QuotaDiskBytes = 1000 });
        var envelope = await harness.UpdateAsync("""{"dryrun": "all"}""");
        Assert.Equal(ErrorCodes.FailedFilesystemQuota, envelope.Errcode);
        Assert.Equal(500, envelope.Status);
    }

    [Fact]
    public async Task Update_DryrunAll_CompleteDryrunNothingChanged()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var before = SiteFiles.Hash(harness.SitePath);
        var envelope = await harness.UpdateAsync("""{"dryrun": "all", "revert": true}""");
        Assert.Equal(ErrorCodes.CompleteDryrun, envelope.Errcode);
        Assert.True(envelope.Result);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.Equal(0, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);
    }

    [Fact]
    public async Task Update_SyncWaitExceeded_202WithTask()
    {
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 1);
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeApply;

        var envelope = await harness.UpdateAsync("{}");

        Assert.Equal(202, envelope.Status);
        Assert.True(envelope.Result);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Contains($"/tasks/{task.Id}", envelope.Message);
        harness.Faults.Gate.SetResult();
        Assert.Equal(TaskStatuses.Complete, (await harness.WaitForTaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Update_TwentyConcurrentRequests_ExactlyOneUpdateRuns()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeApply;

        var envelopes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => harness.UpdateAsync("""{"background": true}""")));

        var started = Assert.Single(envelopes, e => e.Result);
        Assert.All(envelopes.Where(e => !e.Result), e =>
        {
            Assert.Equal(409, e.Status);
            Assert.Equal(ErrorCodes.UpdateInProgress, e.Errcode);
        });
        harness.Faults.Gate.SetResult();
        var task = Assert.IsType<UpdateTask>(started.Data);
        Assert.Equal(TaskStatuses.Complete, (await harness.WaitForTaskAsync(task.Id)).Status);
        Assert.Equal(1, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);
    }

    [Fact]
    public async Task Update_RepeatedIdempotencyKey_SameTask()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var first = await harness.UpdateAsync("""{"background": true}""", idempotencyKey: "panel-request-42");
        var task = Assert.IsType<UpdateTask>(first.Data);
        await harness.WaitForTaskAsync(task.Id);

        var again = await harness.UpdateAsync("""{"background": true}""", idempotencyKey: "panel-request-42");

        Assert.True(again.Result);
        Assert.Equal("6.7.3", Assert.IsType<Install>(again.Data).Version);
        Assert.Equal(1, ((TaskPage)(await harness.ListTasksAsync()).Data!).Total);
    }

    [Fact]
    public async Task Tasks_FiltersAndPaging()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        harness.Faults.FailAt(UpdateFaults.BeforeApply);
        await harness.UpdateAsync("{}");
        await harness.UpdateAsync("{}");
        await harness.UpdateAsync("{}");

        var page = (TaskPage)(await harness.ListTasksAsync($"?install={DemoData.InstallId}&offset=1&limit=1")).Data!;
        Assert.Equal(3, page.Total);
        Assert.Single(page.Tasks);
        Assert.Equal(ErrorCodes.InstallNotFound, (await harness.ListTasksAsync("?install=other")).Errcode);
        Assert.Equal(3, ((TaskPage)(await harness.ListTasksAsync($"?user={DemoData.User}")).Data!).Total);
        Assert.Equal(ErrorCodes.UserNotFound, (await harness.ListTasksAsync("?user=ghost")).Errcode);
        Assert.Equal("invalid_argument_limit", (await harness.ListTasksAsync("?limit=0")).Errcode);
        Assert.Equal(ErrorCodes.TaskNotFound, (await harness.GetTaskAsync("nosuchtask")).Errcode);
        Assert.Equal(TaskStatuses.Reverted, ((UpdateTask)(await harness.GetTaskAsync(page.Tasks[0].Id)).Data!).Status);
    }
}
