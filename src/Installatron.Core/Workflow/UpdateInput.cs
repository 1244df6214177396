namespace Installatron.Core.Workflow;

/// <summary>
/// The orchestration's input: IDs and two flags, never file lists (payload limits). Everything else an activity
/// needs it reads from the task and install rows.
/// </summary>
public sealed record UpdateInput(string TaskId, string InstallId, bool Backup, bool Revert);

/// <summary>The orchestration's output, also kept in the task row.</summary>
public sealed record UpdateOutcome(string Status, string? Errcode, string Message);

/// <summary>Task names are stored in orchestration history: never rename one after it has run.</summary>
public static class TaskNames
{
    public const string UpdateInstall = "UpdateInstallOrchestration";
    public const string Preflight = "UpdatePreflight";
    public const string Backup = "UpdateBackup";
    public const string Apply = "UpdateApply";
    public const string Verify = "UpdateVerify";
    public const string HealthCheck = "UpdateHealthCheck";
    public const string Revert = "UpdateRevert";
    public const string Finalize = "UpdateFinalize";
}
