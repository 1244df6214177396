using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>A rollout the sweep runs, and the runner's instance ID.</summary>
public sealed record RunnerClaim(string RolloutId, string RunnerId);

/// <summary>
/// After planning: every running rollout that has members waiting and no runner gets this sweep's runner (the rollout
/// row names it, so only it starts updates). A rollout that has a runner already (resumed by an administrator) keeps it;
/// that runner takes the new members before it ends.
/// </summary>
[DurableTask(RolloutTaskNames.ClaimRunners)]
public sealed class ClaimRunnersActivity(RolloutStore rollouts, RolloutMemberStore members) : TaskActivity<string, IReadOnlyList<RunnerClaim>>
{
    public override async Task<IReadOnlyList<RunnerClaim>> RunAsync(TaskActivityContext context, string sweepId)
    {
        var claims = new List<RunnerClaim>();
        foreach (var rollout in await rollouts.ListAsync(RolloutStatuses.Running, CancellationToken.None))
        {
            var runnerId = RunnerIdFor(rollout.Id, sweepId);
            if ((rollout.Runner is null && await members.HasWaitingAsync(rollout.Id, CancellationToken.None)) || rollout.Runner == runnerId)
            {
                var stored = await rollouts.ChangeAsync(rollout.Id, r => r.Runner is null && r.Status == RolloutStatuses.Running ? r with { Runner = runnerId } : r,
                    CancellationToken.None);
                if (stored.Value.Runner == runnerId)
                {
                    claims.Add(new RunnerClaim(rollout.Id, runnerId));
                }
            }
        }

        return claims;
    }

    public static string RunnerIdFor(string rolloutId, string startedBy) => $"rollout-{rolloutId}-{startedBy}";
}

/// <summary>The sweep's last step: its lock released, so the next sweep may start.</summary>
[DurableTask(RolloutTaskNames.FinishSweep)]
public sealed class FinishSweepActivity(RolloutStore rollouts) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string sweepId)
    {
        await rollouts.UnlockSweepAsync(sweepId, CancellationToken.None);
        return true;
    }
}
