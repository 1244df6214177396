using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Durable;

/// <summary>
/// An orchestration episode that runs twice, as under load with two servers on one task hub: Azure Storage sends an
/// episode's messages before it writes the episode's history, so when the history write is lost (another worker wrote
/// first) the episode runs again and sends them again. The test makes the write fail by changing the history's
/// sentinel row while the orchestrator is held in that episode.
/// </summary>
public sealed class RetriedEpisodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    private static void Register(DurableTaskRegistry registry) =>
        registry.AddOrchestrator<RetriedEpisodeParent>().AddOrchestrator<RetriedEpisodeActivity>().AddOrchestrator<GatedChild>()
            .AddActivity<SayHello>().AddActivity<GatedActivity>();

    /// <summary>
    /// The stuck update of the two-server fleet benchmark: the child started twice ran as two executions, the second over
    /// the first, every step twice; the second execution's copy of an activity, running while the first's did, never
    /// completed, and the child (and its parent) waited for ever.
    /// </summary>
    [Fact]
    public async Task SubOrchestration_StartedAgainByARetriedEpisode_RunsOnceAndItsParentCompletes()
    {
        await using var server = await StartServerAsync();
        var client = server.Services.GetRequiredService<DurableTaskClient>();
        var key = TestIds.NewPrefix();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(RetriedEpisodeParent), key);

        await RetryEpisodeAsync(server, id, key, beforeSecondAttempt: async () =>
        {
            // The first attempt's start of the child has run: its activity is running and its state is written.
            await WaitUntilAsync(async () => GatedActivity.Runs(key) >= 1
                && (await client.GetInstanceAsync(RetriedEpisodeParent.ChildId(id)))?.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        });
        await WaitForEmptyControlQueuesAsync(server);
        var runsBeforeOpening = GatedActivity.Runs(key);
        GatedActivity.Open(key);

        var status = await WaitForCompletionAsync(client, id);
        output.WriteLine($"parent: {status?.RuntimeStatus}; the child's activity ran {GatedActivity.Runs(key)} time(s) ({runsBeforeOpening} before it was let go)");
        Assert.Equal(1, GatedActivity.Runs(key));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, status?.RuntimeStatus);
        Assert.Equal(1, status!.ReadOutputAs<int>());
    }

    /// <summary>
    /// The same activity scheduled twice (same instance, same task), both copies in this process at once: the sidecar
    /// never completed the second, whose message was kept locked for ever.
    /// </summary>
    [Fact]
    public async Task Activity_ScheduledAgainByARetriedEpisode_BothCopiesFinishAndLeaveTheQueue()
    {
        await using var server = await StartServerAsync();
        var client = server.Services.GetRequiredService<DurableTaskClient>();
        var key = TestIds.NewPrefix();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(RetriedEpisodeActivity), key);

        await RetryEpisodeAsync(server, id, key, beforeSecondAttempt: () => WaitUntilAsync(() => Task.FromResult(GatedActivity.Runs(key) >= 1)));
        await WaitUntilAsync(() => Task.FromResult(GatedActivity.Runs(key) >= 2));
        GatedActivity.Open(key);

        var status = await WaitForCompletionAsync(client, id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, status?.RuntimeStatus);
        var workItems = new QueueClient((await SharedAzurite.GetAsync()).ConnectionString, server.Prefix + "-workitems");
        var waited = Stopwatch.StartNew();
        int messages;
        while ((messages = (await workItems.GetPropertiesAsync()).Value.ApproximateMessagesCount) > 0 && waited.Elapsed < 3 * LockTimeout)
        {
            await Task.Delay(100);
        }

        output.WriteLine($"work-item messages left {waited.ElapsedMilliseconds} ms after the orchestration completed: {messages}");
        Assert.Equal(0, messages);
    }

    private static Task<ApiServer> StartServerAsync() =>
        ApiServer.StartAsync(demoData: false, durableTasks: Register, settings: ["--Installatron:DurableLockTimeout", LockTimeout.ToString("c")]);

    /// <summary>Holds the orchestrator in the episode after its first activity, makes that episode's history write fail, lets it run again.</summary>
    private static async Task RetryEpisodeAsync(ApiServer server, string instanceId, string key, Func<Task> beforeSecondAttempt)
    {
        var gate = EpisodeGate.For(key);
        await gate.ArrivedAsync();
        var history = new TableClient((await SharedAzurite.GetAsync()).ConnectionString, server.Prefix + "History");
        await history.UpdateEntityAsync(new TableEntity(instanceId, "sentinel") { ["ChangedByTest"] = true }, ETag.All, TableUpdateMode.Merge);
        gate.Proceed();

        await gate.ArrivedAsync();
        await beforeSecondAttempt();
        gate.Proceed();
    }

    /// <summary>Until every orchestration message sent so far has been handled (deleted from its control queue).</summary>
    private static async Task WaitForEmptyControlQueuesAsync(ApiServer server)
    {
        var connection = (await SharedAzurite.GetAsync()).ConnectionString;
        var queues = Enumerable.Range(0, 4).Select(i => new QueueClient(connection, $"{server.Prefix}-control-{i:D2}")).ToList();
        await WaitUntilAsync(async () =>
        {
            foreach (var queue in queues)
            {
                if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
                {
                    return false;
                }
            }

            return true;
        });
    }

    private static async Task<OrchestrationMetadata?> WaitForCompletionAsync(DurableTaskClient client, string instanceId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "Timed out waiting.");
            await Task.Delay(50);
        }
    }
}
