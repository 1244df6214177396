using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// What the members of one wave did. A member's row adds its state's share (<see cref="Of"/>) and takes away the share
/// of the state it leaves, in the same entity-group transaction as the row's change (<see cref="RolloutMemberStore.RecordAsync"/>):
/// the tally is always the sum over the changes the rows went through, and a change delivered twice counts once.
/// </summary>
public sealed record WaveTally(int Started = 0, int Complete = 0, int Reverted = 0, int Failed = 0, int Skipped = 0, int HealthReverts = 0)
{
    /// <summary>A member's share: started once its update was started, and its outcome once that is known.</summary>
    public static WaveTally Of(string state, string? errcode) => state switch
    {
        MemberStates.Pending or MemberStates.Queued => new(),
        MemberStates.Started => new(Started: 1),
        MemberStates.Skipped => new(Skipped: 1),
        TaskStatuses.Complete => new(Started: 1, Complete: 1),
        TaskStatuses.Reverted => new(Started: 1, Reverted: 1, HealthReverts: errcode == ErrorCodes.FailedHealthCheck ? 1 : 0),
        _ => new(Started: 1, Failed: 1),
    };

    /// <summary>Whether the state is an update's outcome: final until a sweep plans the install again.</summary>
    public static bool IsOutcome(string state) => state is not (MemberStates.Pending or MemberStates.Queued or MemberStates.Started or MemberStates.Skipped);

    public WaveTally Plus(WaveTally other) => new(Started + other.Started, Complete + other.Complete, Reverted + other.Reverted,
        Failed + other.Failed, Skipped + other.Skipped, HealthReverts + other.HealthReverts);

    public WaveTally Minus(WaveTally other) => Plus(new(-other.Started, -other.Complete, -other.Reverted, -other.Failed, -other.Skipped, -other.HealthReverts));

    public RolloutWave ApplyTo(RolloutWave wave) =>
        wave with { Started = Started, Complete = Complete, Reverted = Reverted, Failed = Failed, Skipped = Skipped };
}

/// <summary>The tally of every wave of a rollout (by wave number), kept in one row beside its members.</summary>
public sealed record RolloutTally(IReadOnlyDictionary<int, WaveTally> Waves)
{
    public static readonly RolloutTally Empty = new(new Dictionary<int, WaveTally>());

    public int HealthReverts => Waves.Values.Sum(w => w.HealthReverts);

    /// <summary>The rollout with its waves' counts and its health-check reverts as tallied; the same instance when they already are.</summary>
    public Rollout ApplyTo(Rollout rollout)
    {
        var waves = rollout.Waves.Select(w => Waves.TryGetValue(w.Wave, out var tally) ? tally.ApplyTo(w) : w).ToList();
        return waves.SequenceEqual(rollout.Waves) && HealthReverts == rollout.HealthReverts
            ? rollout
            : rollout with { Waves = waves, HealthReverts = HealthReverts };
    }
}
