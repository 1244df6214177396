using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>The sweep's progress, carried from one execution to the next (<c>ContinueAsNew</c> every <see cref="SweepOrchestrator.PagesPerExecution"/> pages).</summary>
public sealed record SweepInput(string SweepId, string? ContinuationToken = null, int Pages = 0, int Scanned = 0, int Planned = 0, int Held = 0);

/// <summary>What a sweep did: installs read, update attempts planned, installs held back by a paused or cancelled rollout, and how each rollout it ran ended.</summary>
public sealed record SweepOutcome(string SweepId, int Scanned, int Planned, int Held, IReadOnlyList<RolloutRunOutcome> Rollouts);

/// <summary>
/// The automatic-update sweep: pages through every install (one page per activity, never the whole table in memory),
/// plans each install that is due into the rollout of its target, then runs every rollout that has work as a
/// sub-orchestration and waits for them. One sweep runs at a time (<see cref="SweepStarter"/> holds a lock row for it;
/// <see cref="FinishSweepActivity"/> releases it).
/// </summary>
[DurableTask(RolloutTaskNames.Sweep)]
public sealed partial class SweepOrchestrator : TaskOrchestrator<SweepInput, SweepOutcome>
{
    public const int PagesPerExecution = 20;

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    public override async Task<SweepOutcome> RunAsync(TaskOrchestrationContext context, SweepInput input)
    {
        var log = context.CreateReplaySafeLogger<SweepOrchestrator>();
        var state = input;
        for (var pages = 0; ; pages++)
        {
            if (pages == PagesPerExecution)
            {
                // Keeps the history short however many installs there are.
                context.ContinueAsNew(state);
                return null!;
            }

            var page = await context.CallActivityAsync<PlanPageResult>(RolloutTaskNames.PlanPage, new PlanPageInput(state.SweepId, state.ContinuationToken), Retry);
            state = state with
            {
                ContinuationToken = page.Next,
                Pages = state.Pages + 1,
                Scanned = state.Scanned + page.Scanned,
                Planned = state.Planned + page.Planned,
                Held = state.Held + page.Held,
            };
            if (page.Next is null)
            {
                break;
            }
        }

        LogPlanned(log, state.SweepId, state.Scanned, state.Planned, state.Held);
        var outcomes = new List<RolloutRunOutcome>();
        try
        {
            var runners = await context.CallActivityAsync<IReadOnlyList<RunnerClaim>>(RolloutTaskNames.ClaimRunners, state.SweepId, Retry);
            var running = runners.Select(r => RunAsync(context, r)).ToList();
            outcomes.AddRange(await Task.WhenAll(running));
        }
        finally
        {
            await context.CallActivityAsync(RolloutTaskNames.FinishSweep, state.SweepId, Retry);
        }

        return new SweepOutcome(state.SweepId, state.Scanned, state.Planned, state.Held, outcomes);
    }

    private static async Task<RolloutRunOutcome> RunAsync(TaskOrchestrationContext context, RunnerClaim runner)
    {
        try
        {
            return await context.CallSubOrchestratorAsync<RolloutRunOutcome>(RolloutTaskNames.Rollout,
                new RolloutRunInput(runner.RolloutId, runner.RunnerId), new SubOrchestrationOptions { InstanceId = runner.RunnerId });
        }
        catch (TaskFailedException failure)
        {
            return new RolloutRunOutcome(runner.RolloutId, "failed", failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: {Scanned} installs read, {Planned} updates planned, {Held} held by paused or cancelled rollouts")]
    private static partial void LogPlanned(ILogger logger, string sweepId, int scanned, int planned, int held);
}
