using Azure.Data.Tables;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>The install's lease while its update runs: renewed at every step, and a lease lost to a newer update stops the old one.</summary>
public sealed class LeaseRenewalTests
{
    [Fact]
    public async Task Update_StepFindsItsLeaseRunningOut_RenewsIt()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var leases = harness.Services.GetRequiredService<LeaseStore>();
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeApply;
        var expiries = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset?>();
        harness.Faults.OnPoint = point =>
            expiries[point] = leases.ExpiryAsync(DemoData.InstallId, CurrentTask(harness), CancellationToken.None).GetAwaiter().GetResult();

        var envelope = await harness.UpdateAsync("""{"background": true}""");
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        // While apply waits, as if it had run long: the lease has two minutes left.
        var tables = harness.Services.GetRequiredService<InstallatronTables>();
        await WaitUntilAsync(() => expiries.ContainsKey(UpdateFaults.BeforeApply));
        await tables.Leases.UpsertEntityAsync(new TableEntity(DemoData.InstallId, "lease")
        {
            ["TaskId"] = task.Id,
            ["ExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(2),
        }, TableUpdateMode.Replace);
        harness.Faults.Gate.SetResult();
        await harness.WaitForTaskAsync(task.Id);

        // Every step found the lease its own; verify, the next step, renewed it to the full duration; finalize released it.
        Assert.InRange(expiries[UpdateFaults.BeforeBackup]!.Value - DateTimeOffset.UtcNow, LeaseStore.DefaultDuration - TimeSpan.FromMinutes(1), LeaseStore.DefaultDuration);
        Assert.InRange(expiries[UpdateFaults.BeforeVerify]!.Value - DateTimeOffset.UtcNow, LeaseStore.DefaultDuration - TimeSpan.FromMinutes(1), LeaseStore.DefaultDuration);
        Assert.Null(await leases.HolderAsync(DemoData.InstallId, CancellationToken.None));
        Assert.Equal(TaskStatuses.Complete, (await harness.WaitForTaskAsync(task.Id)).Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Update_LeaseTakenByANewerUpdateMidway_StopsWithoutTouchingTheSiteOrTheInstall()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var before = SiteFiles.Hash(harness.SitePath);
        harness.Faults.Gate = new TaskCompletionSource();
        harness.Faults.GateAt = UpdateFaults.BeforeBackup;

        var envelope = await harness.UpdateAsync("""{"background": true}""");
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        // As after an outage longer than the lease: it expired and another update took the install.
        var tables = harness.Services.GetRequiredService<InstallatronTables>();
        await tables.Leases.UpsertEntityAsync(new TableEntity(DemoData.InstallId, "lease")
        {
            ["TaskId"] = "newerupdate0000000000000000",
            ["ExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(30),
        }, TableUpdateMode.Replace);
        harness.Faults.Gate.SetResult();

        var finished = await harness.WaitForTaskAsync(task.Id);
        Assert.Equal(TaskStatuses.Failed, finished.Status);
        Assert.Equal(ErrorCodes.UpdateSuperseded, finished.Errcode);
        Assert.DoesNotContain(finished.Steps, s => s.Step is TaskSteps.Apply or TaskSteps.Revert);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        var install = await harness.InstallAsync();
        Assert.Equal("6.7.2", install.Version);
        Assert.False(install.Incomplete);
        Assert.Empty(install.Failures);
        Assert.Equal("newerupdate0000000000000000", await harness.Services.GetRequiredService<LeaseStore>().HolderAsync(DemoData.InstallId, CancellationToken.None));
    }

    private static string CurrentTask(WorkflowHarness harness) =>
        harness.Services.GetRequiredService<LeaseStore>().HolderAsync(DemoData.InstallId, CancellationToken.None).GetAwaiter().GetResult()!;
}
