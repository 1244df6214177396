using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>One turn of a runner: the outcomes that arrived and the members it would start now, in its current wave.</summary>
public sealed record AdvanceInput(string RolloutId, string RunnerId, Domain.RolloutWave Wave, IReadOnlyList<FinishedMember> Finished, IReadOnlyList<Storage.RolloutMember> Offers);

/// <summary>
/// A runner's turn in one activity (one round trip through the task hub per turn, not two): records the updates that
/// ended (<see cref="RecordOutcomesActivity"/>: slots released, rows, counts, the breaker), then, if the rollout is
/// still running for this runner, starts what fits of the offers (<see cref="StartMembersActivity"/>). The wave it
/// returns is counted from the members' rows, never from what the runner believed.
/// </summary>
[DurableTask(RolloutTaskNames.Advance)]
public sealed class AdvanceActivity(RecordOutcomesActivity record, StartMembersActivity start) : TaskActivity<AdvanceInput, StartMembersResult>
{
    public override async Task<StartMembersResult> RunAsync(TaskActivityContext context, AdvanceInput input)
    {
        var recorded = new RecordedOutcomes(Domain.RolloutStatuses.Running, input.Wave);
        if (input.Finished.Count > 0)
        {
            recorded = await record.RecordAsync(new RecordOutcomesInput(input.RolloutId, input.RunnerId, input.Wave, input.Finished));
        }

        if (recorded.Status != Domain.RolloutStatuses.Running || input.Offers.Count == 0)
        {
            return new StartMembersResult(recorded.Status, recorded.Wave ?? input.Wave, [], [], []);
        }

        return await start.RunAsync(context, new StartMembersInput(input.RolloutId, input.RunnerId, input.Wave, input.Offers));
    }
}
