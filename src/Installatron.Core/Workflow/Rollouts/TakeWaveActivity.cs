using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>What a runner does next: the members of the current wave still to start (at most a chunk), with the wave's counts and the settings it runs by.</summary>
public sealed record WaveAssignment(string Status, Rollout Rollout, RolloutWave? Wave, IReadOnlyList<RolloutMember> Members, RolloutSettings Settings);

/// <summary>
/// Gives the runner its next chunk of work: the queued members of the current wave; when the wave has none left, a
/// new wave (the canary first, then <see cref="RolloutRules.NextWaveSize"/>) taken from the pending members. The wave
/// is recorded on the rollout before its members are marked, so a second run of this activity finds it and takes up
/// what is missing. No wave when nothing is pending, or when the rollout is not running for this runner.
/// </summary>
[DurableTask(RolloutTaskNames.TakeWave)]
public sealed class TakeWaveActivity(RolloutStore rollouts, RolloutMemberStore members, IOptions<InstallatronOptions> options)
    : TaskActivity<RolloutRunInput, WaveAssignment>
{
    /// <summary>Members started per execution of the runner: the history of one execution stays a few hundred events.</summary>
    public const int ChunkSize = 100;

    public override async Task<WaveAssignment> RunAsync(TaskActivityContext context, RolloutRunInput input)
    {
        var settings = options.Value.RolloutSettings;
        var rollout = (await rollouts.GetAsync(input.RolloutId, CancellationToken.None))?.Value
            ?? throw new InvalidOperationException($"The rollout {input.RolloutId} does not exist.");
        if (rollout.Status != RolloutStatuses.Running || rollout.Runner != input.RunnerId)
        {
            return new WaveAssignment(rollout.Status, rollout, null, [], settings);
        }

        if (rollout.Waves.LastOrDefault() is { } current && !current.IsDone)
        {
            var queued = await members.QueuedAsync(rollout.Id, ChunkSize, CancellationToken.None);
            var missing = current.Size - current.Started - current.Skipped - queued.Count;
            if (queued.Count == 0 && missing > 0)
            {
                // The wave was recorded but its members not (all) marked: take them now.
                queued = await members.TakeAsync(rollout.Id, current.Wave, Math.Min(missing, ChunkSize), CancellationToken.None);
            }

            if (queued.Count > 0)
            {
                return new WaveAssignment(rollout.Status, rollout, current, queued, settings);
            }

            // Nothing left to start in it (members removed meanwhile): the wave is as large as what it started.
            rollout = (await rollouts.ChangeAsync(rollout.Id, r => r with
            {
                Waves = r.Waves.Select(w => w.Wave == current.Wave ? w with { Size = w.Started + w.Skipped } : w).ToList(),
            }, CancellationToken.None)).Value;
        }

        var last = rollout.Waves.LastOrDefault();
        var size = last is null ? RolloutRules.CanarySize(rollout.Members, settings) : RolloutRules.NextWaveSize(last);
        // The count of pending members is a hint (a sweep cut off between planning and counting leaves it short); the rows decide.
        size = rollout.Pending > 0 ? Math.Min(size, rollout.Pending) : size;

        var wave = new RolloutWave((last?.Wave ?? 0) + 1, size);
        rollout = (await rollouts.ChangeAsync(rollout.Id, r => r.Waves.Any(w => w.Wave == wave.Wave) ? r : r with { Waves = [.. r.Waves, wave] },
            CancellationToken.None)).Value;
        var taken = await members.TakeAsync(rollout.Id, wave.Wave, Math.Min(size, ChunkSize), CancellationToken.None);
        if (taken.Count < Math.Min(size, ChunkSize))
        {
            // Fewer pending than the wave would take: the wave is what there is (none at all: no wave).
            wave = wave with { Size = taken.Count };
            rollout = (await rollouts.ChangeAsync(rollout.Id, r => r with
            {
                Waves = taken.Count == 0 ? r.Waves.Where(w => w.Wave != wave.Wave).ToList() : r.Waves.Select(w => w.Wave == wave.Wave ? wave : w).ToList(),
            }, CancellationToken.None)).Value;
        }

        return new WaveAssignment(rollout.Status, rollout, taken.Count == 0 ? null : wave, taken, settings);
    }
}
