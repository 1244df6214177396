namespace Installatron.Core.Domain;

/// <summary>
/// One update of one install, as <c>GET /tasks</c> shows it. Its ID is the Durable orchestration's instance ID.
/// </summary>
public sealed record UpdateTask
{
    public required string Id { get; init; }
    public required string InstallId { get; init; }
    public required string User { get; init; }
    public required string Application { get; init; }

    /// <summary><c>update</c>, or <c>restore</c> (a backup restored on request: <see cref="BackupId"/> is the one restored).</summary>
    public string Kind { get; init; } = TaskKinds.Update;

    /// <summary>When finished, the event it raised, as the install's <c>notification</c> list names them (<see cref="TaskOutcomes"/>).</summary>
    public string? Outcome { get; init; }

    public string Status { get; init; } = TaskStatuses.Queued;
    public string Step { get; init; } = TaskSteps.Queued;

    /// <summary>The site's health before the update (healthy, unhealthy, unreachable); it is judged afterwards only if healthy.</summary>
    public string? HealthBefore { get; init; }

    public string? HealthAfter { get; init; }

    /// <summary>The installed core files against the installed version's checksums, found by preflight; null when no checksums are known.</summary>
    public CoreIntegrityReport? CoreIntegrity { get; init; }

    public int Progress { get; init; }
    public required string VersionFrom { get; init; }

    /// <summary>The target version, or <c>current</c> when only plugins/themes are updated.</summary>
    public required string VersionTo { get; init; }

    /// <summary>What the caller asked (<c>revert</c>); see <see cref="Backup"/> and <see cref="RevertOnFailure"/> for what the update does.</summary>
    public bool Revert { get; init; }

    /// <summary>A verified backup is taken before anything changes (<c>revert=true</c> or the install's <c>autoup_backup=all</c>).</summary>
    public bool Backup { get; init; }

    /// <summary>A failure after the backup restores it: the decision the update runs with.</summary>
    public bool RevertOnFailure { get; init; }

    public bool Background { get; init; }

    /// <summary>Started by the automatic updater rather than by an API call; only these count in <c>version_autouped_attempts</c>.</summary>
    public bool Automatic { get; init; }

    /// <summary>The rollout that started this automatic update (<c>GET /rollouts/{id}</c>); <c>null</c> for updates through the API.</summary>
    public string? Rollout { get; init; }
    public IReadOnlyList<string>? Plugins { get; init; }
    public IReadOnlyList<string>? Themes { get; init; }
    public string? BackupId { get; init; }

    /// <summary>The plugins and themes the update replaced (written by the apply step).</summary>
    public IReadOnlyList<AppliedComponent> Applied { get; init; } = [];

    /// <summary>The site as the request's own preflight measured it; the update's preflight reuses it rather than walk the site again.</summary>
    public SiteMeasurement? Measured { get; init; }

    /// <summary>Every step run so far, in order: when it started, how long it took, and its outcome (<c>ok</c> or an errcode).</summary>
    public IReadOnlyList<StepRun> Steps { get; init; } = [];

    public string? Errcode { get; init; }
    public string Message { get; init; } = "";
    public string? IdempotencyKey { get; init; }
    public long TimeCreated { get; init; }
    public long TimeStarted { get; init; }
    public long TimeUpdated { get; init; }
    public long TimeCompleted { get; init; }

    public bool IsFinished => Status is TaskStatuses.Complete or TaskStatuses.Failed or TaskStatuses.Reverted;
}

/// <summary>Files and bytes of a site (symbolic links counted, not followed; excluded paths left out).</summary>
public sealed record SiteMeasurement(long Files, long Bytes);

/// <summary>One run of one step; a step retried after a transient failure runs again and is listed again.</summary>
public sealed record StepRun(string Step, long TimeStarted, long DurationMs, string Outcome);

/// <summary>A plugin or theme an update replaced.</summary>
public sealed record AppliedComponent(string Kind, string Id, string From, string To);

public static class TaskStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Failed = "failed";
    public const string Reverted = "reverted";
}

public static class TaskKinds
{
    public const string Update = "update";
    public const string Restore = "restore";
}

/// <summary>The event a finished task raises: <c>update</c>/<c>update_error</c> when it touched the core, <c>plugin_update</c>/<c>plugin_update_error</c> when not, <c>restore</c>/<c>restore_error</c> for a restore.</summary>
public static class TaskOutcomes
{
    public const string Update = "update";
    public const string UpdateError = "update_error";
    public const string PluginUpdate = "plugin_update";
    public const string PluginUpdateError = "plugin_update_error";
    public const string Restore = "restore";
    public const string RestoreError = "restore_error";

    public static string For(UpdateTask task)
    {
        var ok = task.Status == TaskStatuses.Complete;
        if (task.Kind == TaskKinds.Restore)
        {
            return ok ? Restore : RestoreError;
        }

        var core = task.VersionTo != UpdatePolicy.CurrentVersion;
        return ok
            ? core ? Update : PluginUpdate
            : core ? UpdateError : PluginUpdateError;
    }
}

public static class TaskSteps
{
    public const string Queued = "queued";
    public const string Preflight = "preflight";
    public const string HealthBefore = "health_before";
    public const string Backup = "backup";
    public const string Apply = "apply";
    public const string Verify = "verify";
    public const string Health = "health";
    public const string Revert = "revert";
    public const string Restore = "restore";
    public const string Finalize = "finalize";
    public const string Done = "done";
}
