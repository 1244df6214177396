using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>A member's update that ended, with its task's status and errcode.</summary>
public sealed record FinishedMember(StartedMember Started, string Status, string? Errcode);

/// <param name="Wave">The runner's wave (its number is what counts here: the counts come from the members' rows).</param>
public sealed record RecordOutcomesInput(string RolloutId, string RunnerId, RolloutWave Wave, IReadOnlyList<FinishedMember> Finished);

/// <summary>The rollout's status for the runner after the outcomes were recorded, and its wave as counted.</summary>
public sealed record RecordedOutcomes(string Status, RolloutWave? Wave);

/// <summary>
/// Records updates that ended: their slots released, their members' rows and the waves' tally (one transaction,
/// <see cref="RolloutMemberStore.RecordAsync"/>), the counts on the rollout row; then the circuit breaker judges the
/// wave on those counts and, when it trips, pauses the rollout with its reason (unless an administrator paused or
/// cancelled it first). Returns the rollout's status, so the runner also learns of an administrator's pause or cancel.
/// Run twice, or by two servers at once, it counts every outcome once.
/// </summary>
[DurableTask(RolloutTaskNames.RecordOutcomes)]
public sealed partial class RecordOutcomesActivity(
    RolloutMemberStore members, RolloutCounts counts, SlotStore slots, TaskStore tasks, IOptions<InstallatronOptions> options, ILogger<RecordOutcomesActivity> logger)
    : TaskActivity<RecordOutcomesInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, RecordOutcomesInput input) => (await RecordAsync(input)).Status;

    public async Task<RecordedOutcomes> RecordAsync(RecordOutcomesInput input)
    {
        var ct = CancellationToken.None;
        await slots.ReleaseAsync(input.Finished.Select(f => new SlotClaim(f.Started.Member.SlotHolder(input.RolloutId), f.Started.Server)).ToList(), ct);
        var finished = await Task.WhenAll(input.Finished.Select(f => OutcomeAsync(f, ct)));
        await members.RecordAsync(input.RolloutId,
            finished.Select(f => new MemberChange(f.Started.Member.InstallId, f.Status, f.Started.TaskId, f.Started.Server, f.Errcode)).ToList(), ct);

        var settings = options.Value.RolloutSettings;
        string? trip = null;
        var stored = await counts.WriteAsync(input.RolloutId, r =>
        {
            trip = r.Runner == input.RunnerId && r.Status == RolloutStatuses.Running && WaveOf(r, input.Wave.Wave) is { } wave
                ? RolloutRules.Trip(r, wave, settings)
                : null;
            return trip is null ? r : r with { Status = RolloutStatuses.Paused, Reason = trip, PausedBy = RolloutPausers.CircuitBreaker };
        }, ct);

        if (trip is not null)
        {
            LogTripped(logger, input.RolloutId, trip);
        }

        return new RecordedOutcomes(stored.Value.Runner == input.RunnerId ? stored.Value.Status : RolloutStatuses.Paused, WaveOf(stored.Value, input.Wave.Wave));
    }

    /// <summary>
    /// The outcome as the task row recorded it when the runner only learned that the update's orchestration failed (its
    /// result lost, as when two servers ran it): an update whose task completed counts as complete, not failed.
    /// </summary>
    private async Task<FinishedMember> OutcomeAsync(FinishedMember finished, CancellationToken ct)
    {
        if (finished.Status != TaskStatuses.Failed || finished.Errcode != ErrorCodes.InternalError)
        {
            return finished;
        }

        return (await tasks.GetAsync(finished.Started.TaskId, ct))?.Value is { IsFinished: true } task
            ? finished with { Status = task.Status, Errcode = task.Errcode }
            : finished;
    }

    internal static RolloutWave? WaveOf(Rollout rollout, int wave) => rollout.Waves.FirstOrDefault(w => w.Wave == wave);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId} paused by its circuit breaker: {Reason}")]
    private static partial void LogTripped(ILogger logger, string rolloutId, string reason);
}
