using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>A member's update that ended, with its task's status and errcode.</summary>
public sealed record FinishedMember(StartedMember Started, string Status, string? Errcode);

/// <param name="Wave">The wave's counts with these outcomes (absolute: a second run writes the same).</param>
/// <param name="HealthReverts">The rollout's count of health-check reverts with these outcomes.</param>
/// <param name="Trip">The circuit breaker's reason to pause, when it tripped.</param>
public sealed record RecordOutcomesInput(string RolloutId, string RunnerId, int Turn, RolloutWave Wave, int HealthReverts, IReadOnlyList<FinishedMember> Finished, string? Trip);

/// <summary>
/// Records updates that ended: their slots released, their members' rows, the wave's counts on the rollout; and when the
/// breaker tripped, the rollout paused with its reason (unless an administrator paused or cancelled it first). Returns
/// the rollout's status, so the runner also learns of an administrator's pause or cancel.
/// </summary>
[DurableTask(RolloutTaskNames.RecordOutcomes)]
public sealed partial class RecordOutcomesActivity(RolloutStore rollouts, RolloutMemberStore members, SlotStore slots, ILogger<RecordOutcomesActivity> logger)
    : TaskActivity<RecordOutcomesInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, RecordOutcomesInput input)
    {
        var ct = CancellationToken.None;
        await slots.ReleaseAsync(input.Finished.Select(f => new SlotClaim(f.Started.Member.SlotHolder(input.RolloutId), f.Started.Server)).ToList(), ct);
        await members.MarkAsync(input.RolloutId,
            input.Finished.Select(f => new MemberChange(f.Started.Member.InstallId, f.Status, f.Started.TaskId, f.Started.Server, f.Errcode)).ToList(), ct);
        var stored = await rollouts.ChangeAsync(input.RolloutId, r =>
        {
            if (r.Runner != input.RunnerId || input.Turn < r.Turn)
            {
                return r; // Another runner's rollout now, or a late copy of an earlier turn.
            }

            var changed = r with { Turn = input.Turn, Waves = r.Waves.Select(w => w.Wave == input.Wave.Wave ? input.Wave : w).ToList(), HealthReverts = input.HealthReverts };
            return input.Trip is not null && r.Status == RolloutStatuses.Running && r.Runner == input.RunnerId
                ? changed with { Status = RolloutStatuses.Paused, Reason = input.Trip, PausedBy = RolloutPausers.CircuitBreaker }
                : changed;
        }, ct);

        if (input.Trip is not null && stored.Value.PausedBy == RolloutPausers.CircuitBreaker)
        {
            LogTripped(logger, input.RolloutId, input.Trip);
        }

        return stored.Value.Runner == input.RunnerId ? stored.Value.Status : RolloutStatuses.Paused;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId} paused by its circuit breaker: {Reason}")]
    private static partial void LogTripped(ILogger logger, string rolloutId, string reason);
}
