namespace Installatron.Core.Outbound.Workflow;

/// <summary>
/// When a failed delivery is tried again: after each delay in turn (the last one repeating), for as long as the first
/// attempt is less than <see cref="RetryFor"/> ago — so the last attempt comes at or after that time, and a delivery is
/// retried for at least that long.
/// </summary>
public sealed record RetrySchedule(IReadOnlyList<TimeSpan> Delays, TimeSpan RetryFor)
{
    public static RetrySchedule From(NotificationOptions options) =>
        new(options.ParseRetryDelays() ?? new NotificationOptions().ParseRetryDelays()!, options.NotificationRetryFor);

    /// <returns>When to try again after <paramref name="failedAttempts"/> failed attempts, or <c>null</c> to give up.</returns>
    public DateTimeOffset? Next(DateTimeOffset firstAttempt, int failedAttempts, DateTimeOffset now) =>
        now - firstAttempt >= RetryFor ? null : now + Delays[Math.Clamp(failedAttempts - 1, 0, Delays.Count - 1)];
}
