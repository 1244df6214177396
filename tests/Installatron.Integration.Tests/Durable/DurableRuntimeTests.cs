using System.Diagnostics;
using Azure.Storage.Queues;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.DurableSidecar;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Durable;

/// <summary>The server's own Durable Task runtime over Azure Storage (Azurite), through its injected client.</summary>
public sealed class DurableRuntimeTests(ITestOutputHelper output)
{
    private static void Register(DurableTaskRegistry registry) =>
        registry.AddOrchestrator<GreetingChain>().AddOrchestrator<GreetingParent>().AddActivity<SayHello>()
            .AddOrchestrator<SlowOrchestration>().AddActivity<SlowActivity>();

    [Fact]
    public async Task ScheduleNewOrchestration_ThreeActivities_CompletesWithTheirResults()
    {
        await SharedAzurite.GetAsync();
        var startup = Stopwatch.StartNew();
        var server = await ApiServer.StartAsync(demoData: false, durableTasks: Register);
        try
        {
            await server.Services.GetRequiredService<SidecarReadiness>().WhenWorkerConnected.WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"server start to worker connected: {startup.ElapsedMilliseconds} ms");

            var client = server.Services.GetRequiredService<DurableTaskClient>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            for (var run = 1; run <= 3; run++)
            {
                var elapsed = Stopwatch.StartNew();
                var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(GreetingChain), "Ada", timeout.Token);
                var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
                output.WriteLine($"run {run}: 3-activity orchestration end to end {elapsed.ElapsedMilliseconds} ms");

                Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
                Assert.Equal(GreetingChain.Cities.Select(city => $"Hello, Ada in {city}!"), result.ReadOutputAs<string[]>());
            }
        }
        finally
        {
            var stopping = Stopwatch.StartNew();
            await server.DisposeAsync();
            output.WriteLine($"server stop (worker, sidecar, backend): {stopping.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task CallSubOrchestrator_OnAzureStorage_RoundTrips()
    {
        await using var server = await ApiServer.StartAsync(demoData: false, durableTasks: Register);
        var client = server.Services.GetRequiredService<DurableTaskClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var elapsed = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(GreetingParent), "Grace", timeout.Token);
        var parent = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        output.WriteLine($"parent with a 3-activity sub-orchestration: {elapsed.ElapsedMilliseconds} ms");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, parent.RuntimeStatus);
        Assert.Equal(string.Join(" | ", GreetingChain.Cities.Select(city => $"Hello, Grace in {city}!")), parent.ReadOutputAs<string>());
        var child = await client.GetInstanceAsync(GreetingParent.ChildId(id), getInputsAndOutputs: true, timeout.Token);
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(nameof(GreetingChain), child.Name);
    }

    /// <summary>
    /// Unrenewed, the activity's queue message would become visible again while the activity runs; dequeued again, its
    /// pop receipt changes, deleting it at completion fails, and it stays in the work-item queue for ever.
    /// </summary>
    [Fact]
    public async Task Activity_RunningLongerThanTheLockTimeout_RunsOnceAndItsMessageIsDeleted()
    {
        var lockTimeout = TimeSpan.FromSeconds(5);
        await using var server = await ApiServer.StartAsync(
            demoData: false, durableTasks: Register, settings: ["--Installatron:DurableLockTimeout", lockTimeout.ToString("c")]);
        var client = server.Services.GetRequiredService<DurableTaskClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var key = TestIds.NewPrefix();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowOrchestration), key, timeout.Token);
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(1, result.ReadOutputAs<int>());
        Assert.Equal(1, SlowActivity.Runs[key]);

        var workItems = new QueueClient((await SharedAzurite.GetAsync()).ConnectionString, server.Prefix + "-workitems");
        var waited = Stopwatch.StartNew();
        int messages;
        while ((messages = (await workItems.GetPropertiesAsync()).Value.ApproximateMessagesCount) > 0 && waited.Elapsed < lockTimeout)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, messages);
    }
}
