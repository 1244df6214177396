using System.Text.Json.Serialization;

namespace Installatron.Core.Domain;

/// <summary>
/// The automatic update of every install due for one target (an application version), in waves: a canary wave, then
/// waves that grow while they stay healthy. A rollout can be read at any time (<c>GET /rollouts/{id}</c>); a circuit
/// breaker or an administrator pauses it, an administrator resumes or cancels it.
/// </summary>
public sealed record Rollout
{
    public required string Id { get; init; }

    public required string Application { get; init; }

    public required string Version { get; init; }

    public string Status { get; init; } = RolloutStatuses.Running;

    /// <summary>Why the rollout is paused or cancelled, as the breaker or the administrator said it; kept after a resume.</summary>
    public string? Reason { get; init; }

    /// <summary><c>circuit_breaker</c> or <c>admin</c> when paused or cancelled.</summary>
    public string? PausedBy { get; init; }

    /// <summary>Update attempts planned into the rollout by sweeps (an install failing and planned again counts twice).</summary>
    public int Members { get; init; }

    public IReadOnlyList<RolloutWave> Waves { get; init; } = [];

    /// <summary>Members whose update failed its health check and was reverted, over all waves (the breaker's second rule).</summary>
    public int HealthReverts { get; init; }

    /// <summary>The orchestration running the rollout now, if any (internal: one runner at a time).</summary>
    public string? Runner { get; init; }

    public long TimeCreated { get; init; }

    public long TimeUpdated { get; init; }

    [JsonIgnore]
    public int Pending => Math.Max(0, Members - Waves.Sum(w => w.Size));

    [JsonIgnore]
    public bool IsFinished => Status is RolloutStatuses.Complete or RolloutStatuses.Cancelled;

    /// <summary>The rollout's ID for a target: the application and the version (letters, digits, dots and dashes).</summary>
    public static string IdFor(string application, string version) => $"{application}-{version}".ToLowerInvariant();
}

/// <summary>One wave: how many members it took, and how their updates went so far.</summary>
public sealed record RolloutWave(int Wave, int Size, int Started = 0, int Complete = 0, int Reverted = 0, int Failed = 0, int Skipped = 0)
{
    /// <summary>Updates of the wave that ended without the target version (failed, or failed and reverted).</summary>
    [JsonIgnore]
    public int Failures => Failed + Reverted;

    /// <summary>Members of the wave that started, or may still start (skipped ones never touch a site).</summary>
    [JsonIgnore]
    public int Considered => Size - Skipped;

    [JsonIgnore]
    public int Finished => Complete + Reverted + Failed;

    [JsonIgnore]
    public bool IsDone => Finished + Skipped >= Size;
}

public static class RolloutStatuses
{
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Cancelled = "cancelled";
    public const string Complete = "complete";
}

public static class RolloutPausers
{
    public const string CircuitBreaker = "circuit_breaker";
    public const string Admin = "admin";
}

/// <summary>The state of one install in a rollout.</summary>
public static class MemberStates
{
    public const string Pending = "pending";
    public const string Queued = "queued";
    public const string Started = "started";
    public const string Skipped = "skipped";
}

/// <summary>
/// Where an install's site is served from, the key of the per-server concurrency limit: every local site is on this
/// host (<see cref="Local"/>); the site of an account with a remote location is on that location's host, whatever the
/// port or login (two accounts on one SSH server share its limit). The host is a host name or an IP address, checked
/// when the account was saved, so the key is a valid table row key.
/// </summary>
public static class HostingServers
{
    public const string Local = "local";

    public static string KeyOf(HostingUser owner) => owner.Remote is { } remote
        ? "ssh~" + remote.Host.ToLowerInvariant()
        : Local;
}
