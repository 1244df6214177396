using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>Whether the runner goes on (work arrived, or the rollout was resumed meanwhile), else how the run ended.</summary>
public sealed record RunFinish(bool Continue, string Status, string? Reason);

/// <summary>
/// Ends a run of a rollout: when it is still running with members waiting (a sweep planned more, a resume came in while
/// the runner stopped), the runner goes on; otherwise a running rollout is complete, and the runner lets go of it (a
/// paused one is started again by its resume). The row is read before the members are looked at and written with its
/// ETag, so a sweep adding members at the same moment (it changes the row after adding them) is never missed.
/// </summary>
[DurableTask(RolloutTaskNames.FinishRun)]
public sealed class FinishRunActivity(RolloutStore rollouts, RolloutMemberStore members) : TaskActivity<RolloutRunInput, RunFinish>
{
    public override async Task<RunFinish> RunAsync(TaskActivityContext context, RolloutRunInput input)
    {
        var goOn = false;
        var stored = await rollouts.ChangeAsync(input.RolloutId, async r =>
        {
            goOn = false;
            if (r.Runner != input.RunnerId)
            {
                return r;
            }

            if (r.Status == RolloutStatuses.Running && await members.HasWaitingAsync(r.Id, CancellationToken.None))
            {
                goOn = true;
                return r;
            }

            return r with { Runner = null, Status = r.Status == RolloutStatuses.Running ? RolloutStatuses.Complete : r.Status };
        }, CancellationToken.None);

        return new RunFinish(goOn, stored.Value.Status, stored.Value.Reason);
    }
}
