namespace Installatron.Core.Domain;

/// <summary>The settings a rollout runs by (from <c>Installatron__Rollout*</c>), as its runner received them.</summary>
public sealed record RolloutSettings(
    int CanaryPercent, int CanaryMinimum, int FailurePercent, int HealthRevertLimit, int MaxConcurrent, int MaxPerServer);

/// <summary>
/// Wave sizes and the circuit breaker, as plain rules. The canary wave takes <see cref="RolloutSettings.CanaryPercent"/>
/// of the members (at least <see cref="RolloutSettings.CanaryMinimum"/>); each later wave doubles the last while it
/// had no failure and keeps its size otherwise, up to <see cref="MaxWaveSize"/>.
/// </summary>
public static class RolloutRules
{
    public const int MaxWaveSize = 1000;

    public static int CanarySize(int members, RolloutSettings settings) =>
        Math.Min(MaxWaveSize, Math.Max(settings.CanaryMinimum, (int)Math.Ceiling(members * settings.CanaryPercent / 100.0)));

    public static int NextWaveSize(RolloutWave previous) =>
        Math.Min(MaxWaveSize, previous.Failures == 0 ? Math.Max(1, previous.Size) * 2 : Math.Max(1, previous.Size));

    /// <summary>
    /// Why the rollout must pause now, or <c>null</c>: the wave's failures are more than
    /// <see cref="RolloutSettings.FailurePercent"/> of its members that may run (judged as soon as it is certain, not
    /// only at the wave's end), or more than <see cref="RolloutSettings.HealthRevertLimit"/> sites of the target failed
    /// their health check and were reverted.
    /// </summary>
    public static string? Trip(Rollout rollout, RolloutWave wave, RolloutSettings settings)
    {
        if (wave.Considered > 0 && wave.Failures * 100L > (long)settings.FailurePercent * wave.Considered)
        {
            return $"Wave {wave.Wave} of {rollout.Application} {rollout.Version}: {wave.Failures} of {wave.Considered} updates failed " +
                $"({wave.Failures * 100 / wave.Considered} %), more than the {settings.FailurePercent} % allowed.";
        }

        if (rollout.HealthReverts > settings.HealthRevertLimit)
        {
            return $"{rollout.HealthReverts} sites failed their health check after the update to {rollout.Application} {rollout.Version} " +
                $"and were reverted (more than {settings.HealthRevertLimit}).";
        }

        return null;
    }
}
