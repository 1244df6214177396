using System.IO.Compression;
using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>The health check after an update, against the site served for real by PHP's built-in server.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Update_SiteStillWorks_CompleteAndJudgedHealthy()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await using var php = await ServeAsync(harness);

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        Assert.Equal(HealthStates.Healthy, task.HealthBefore);
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);
    }

    [Fact]
    public async Task Update_BaselineTakenWhileTheBackupRuns_ItsOwnStepNeverTheTasksStep()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await using var php = await ServeAsync(harness);
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeBackup;

        var envelope = await harness.UpdateAsync("""{"background": true}""");
        var taskId = ((UpdateTask)envelope.Data!).Id;

        // The backup is held at its start: the baseline still arrives, and the task's step stays the backup's.
        var held = await WaitUntilAsync(harness, taskId, t => t.HealthBefore is not null);
        Assert.Equal(HealthStates.Healthy, held.HealthBefore);
        Assert.Equal(TaskSteps.Backup, held.Step);
        Assert.DoesNotContain(held.Steps, s => s.Step == TaskSteps.Backup);
        harness.Faults.Gate.SetResult();

        var task = await harness.WaitForTaskAsync(taskId);
        Assert.Equal(TaskStatuses.Complete, task.Status);
        Assert.Equal(
            [TaskSteps.Preflight, TaskSteps.HealthBefore, TaskSteps.Backup, TaskSteps.Apply, TaskSteps.Verify, TaskSteps.Health, TaskSteps.Finalize],
            task.Steps.Select(s => s.Step));
        Assert.All(task.Steps, s => Assert.Equal("ok", s.Outcome));
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);
    }

    [Fact]
    public async Task Update_StartedByAnOlderVersion_PreflightTakesTheBaselineAsItsHistorySays()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await using var php = await ServeAsync(harness);
        var update = await harness.Services.GetRequiredService<UpdateValidator>().ValidateAsync(DemoData.InstallId, new UpdateRequest(), CancellationToken.None);
        var prepared = await harness.Services.GetRequiredService<UpdateStarter>().PrepareAsync(update, null, CancellationToken.None);

        // An input as versions before the shape was added wrote it (no Shape: 0).
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(TaskNames.UpdateInstall, prepared.Input with { Shape = 0 },
            new StartOrchestrationOptions { InstanceId = prepared.TaskId });

        var task = await harness.WaitForTaskAsync(prepared.TaskId);
        Assert.Equal(TaskStatuses.Complete, task.Status);
        Assert.Equal(HealthStates.Healthy, task.HealthBefore);
        Assert.Equal(HealthStates.Healthy, task.HealthAfter);
        Assert.Equal([TaskSteps.Preflight, TaskSteps.Backup, TaskSteps.Apply, TaskSteps.Verify, TaskSteps.Health, TaskSteps.Finalize], task.Steps.Select(s => s.Step));
    }

    [Fact]
    public async Task Update_PackageWithPhpFatalError_HealthCheckFailsAndSiteReverted()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await using var php = await ServeAsync(harness);
        await PublishBrokenAsync(harness, "6.7.4");
        var before = SiteFiles.Hash(harness.SitePath);
        using var http = new HttpClient();

        var envelope = await harness.UpdateAsync("""{"version": "6.7.4", "revert": true}""");

        Assert.Equal(ErrorCodes.FailedHealthCheck, envelope.Errcode);
        Assert.Equal(500, envelope.Status);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Equal(HealthStates.Unhealthy, task.HealthAfter);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.Equal(200, (int)(await http.GetAsync(php.Url + "/")).StatusCode);
        Assert.Equal("6.7.2", (await harness.InstallAsync()).Version);
    }

    [Fact]
    public async Task Update_SiteUnreachableBefore_NotJudged()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await PublishBrokenAsync(harness, "6.7.4");

        // The demo's http://website.com/staging does not resolve here: nothing to compare with, so no verdict.
        var envelope = await harness.UpdateAsync("""{"version": "6.7.4"}""");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        Assert.Equal(HealthStates.Unreachable, task.HealthBefore);
    }

    private static async Task<UpdateTask> WaitUntilAsync(WorkflowHarness harness, string taskId, Func<UpdateTask, bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if ((await harness.GetTaskAsync(taskId)).Data is UpdateTask task && condition(task))
            {
                return task;
            }
        }

        throw new TimeoutException($"Task {taskId} did not reach the expected state in 60 s.");
    }

    /// <summary>Serves the demo site with PHP and points the install's URL (and the account's vhosts) at it.</summary>
    private static async Task<PhpServer> ServeAsync(WorkflowHarness harness)
    {
        var php = await PhpServer.StartAsync(harness.SitePath);
        await harness.ChangeOwnerAsync(u => u with { Vhosts = [.. u.Vhosts, "127.0.0.1"] });
        await harness.ChangeInstallAsync(i => i with { Url = php.Url });
        return php;
    }

    private static async Task PublishBrokenAsync(WorkflowHarness harness, string version)
    {
        using var package = new MemoryStream();
        using (var zip = new ZipArchive(package, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in DemoWordPress.CoreFiles(version))
            {
                using var writer = new StreamWriter(zip.CreateEntry(path).Open());
                writer.Write(path == "wp-blog-header.php" ? "<?php\nthis is not php;\n" : content);
            }
        }

        package.Position = 0;
        await harness.Services.GetRequiredService<VersionPublisher>().PublishAsync(
            new VersionDraft(Applications.WordPress, AppVersion.Parse(version), null, [UpgradeRule.AutoFromAnything], new Requirements()),
            package, CancellationToken.None);
    }
}
