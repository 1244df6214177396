using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>One turn of a runner: the outcomes that arrived, the breaker's finding, the members it would start now.</summary>
public sealed record AdvanceInput(
    string RolloutId, string RunnerId, int Turn, Domain.RolloutWave Wave, int HealthReverts, IReadOnlyList<FinishedMember> Finished, string? Trip,
    IReadOnlyList<Storage.RolloutMember> Offers);

/// <summary>
/// A runner's turn in one activity (one round trip through the task hub per turn, not two): records the updates that
/// ended (<see cref="RecordOutcomesActivity"/>: slots released, rows, counts, a trip pausing the rollout), then, if the
/// rollout is still running for this runner, starts what fits of the offers (<see cref="StartMembersActivity"/>).
/// </summary>
[DurableTask(RolloutTaskNames.Advance)]
public sealed class AdvanceActivity(RecordOutcomesActivity record, StartMembersActivity start) : TaskActivity<AdvanceInput, StartMembersResult>
{
    public override async Task<StartMembersResult> RunAsync(TaskActivityContext context, AdvanceInput input)
    {
        var status = Domain.RolloutStatuses.Running;
        if (input.Finished.Count > 0 || input.Trip is not null)
        {
            status = await record.RunAsync(context, new RecordOutcomesInput(input.RolloutId, input.RunnerId, input.Turn, input.Wave, input.HealthReverts, input.Finished, input.Trip));
        }

        if (status != Domain.RolloutStatuses.Running || input.Offers.Count == 0)
        {
            return new StartMembersResult(status, input.Wave, [], [], []);
        }

        return await start.RunAsync(context, new StartMembersInput(input.RolloutId, input.RunnerId, input.Turn, input.Wave, input.Offers));
    }
}
