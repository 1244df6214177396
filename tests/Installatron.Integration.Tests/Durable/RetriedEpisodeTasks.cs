using System.Collections.Concurrent;
using Microsoft.DurableTask;

namespace Installatron.Integration.Tests.Durable;

/// <summary>
/// A test's hold on one episode of an orchestration: each time the orchestrator reaches <see cref="Pass"/> outside a
/// replay (once per attempt at the episode) it waits there until the test lets it go, so the test can make the
/// episode's history write fail in between (the attempt's messages are sent, its history is not written: the episode
/// runs again). Keyed by the orchestration's input.
/// </summary>
public sealed class EpisodeGate
{
    private static readonly ConcurrentDictionary<string, EpisodeGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _arrived = new(0);
    private readonly SemaphoreSlim _proceed = new(0);

    public static EpisodeGate For(string key) => Gates.GetOrAdd(key, _ => new EpisodeGate());

    /// <summary>Called by the orchestrator (blocking its thread: it is the test's orchestrator, held only for seconds).</summary>
    public static void Pass(string key)
    {
        var gate = For(key);
        gate._arrived.Release();
        gate._proceed.Wait(TimeSpan.FromSeconds(30));
    }

    public Task ArrivedAsync() => _arrived.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(
        waited => Assert.True(waited.Result, "The orchestrator never reached the gate."), TaskScheduler.Default);

    public void Proceed() => _proceed.Release();
}

/// <summary>One activity; then, in the episode the test holds, a child orchestration (<see cref="GatedChild"/>).</summary>
public sealed class RetriedEpisodeParent : TaskOrchestrator<string, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, string key)
    {
        await context.CallActivityAsync<string>(nameof(SayHello), key);
        if (!context.IsReplaying)
        {
            EpisodeGate.Pass(key);
        }

        return await context.CallSubOrchestratorAsync<int>(nameof(GatedChild), key, new SubOrchestrationOptions { InstanceId = ChildId(context.InstanceId) });
    }

    public static string ChildId(string parentId) => parentId + "-child";
}

/// <summary>One activity; then, in the episode the test holds, <see cref="GatedActivity"/>.</summary>
public sealed class RetriedEpisodeActivity : TaskOrchestrator<string, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, string key)
    {
        await context.CallActivityAsync<string>(nameof(SayHello), key);
        if (!context.IsReplaying)
        {
            EpisodeGate.Pass(key);
        }

        return await context.CallActivityAsync<int>(nameof(GatedActivity), key);
    }
}

public sealed class GatedChild : TaskOrchestrator<string, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, string key) => context.CallActivityAsync<int>(nameof(GatedActivity), key);
}

/// <summary>Counts its runs per key, then waits until the test opens it (at most 30 s); returns its run's number.</summary>
public sealed class GatedActivity : TaskActivity<string, int>
{
    private static readonly ConcurrentDictionary<string, State> States = new(StringComparer.Ordinal);

    public static int Runs(string key) => StateOf(key).Runs;

    public static void Open(string key) => StateOf(key).Open.TrySetResult();

    public override async Task<int> RunAsync(TaskActivityContext context, string key)
    {
        var state = StateOf(key);
        var run = Interlocked.Increment(ref state.Runs);
        await state.Open.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return run;
    }

    private static State StateOf(string key) => States.GetOrAdd(key, _ => new State());

    private sealed class State
    {
        public readonly TaskCompletionSource Open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Runs;
    }
}
