using Installatron.Core.Domain;

namespace Installatron.Core.Workflow;

/// <summary>Task names are stored in orchestration history: never rename one after it has run.</summary>
public static class TaskNames
{
    public const string UpdateInstall = "UpdateInstallOrchestration";
    public const string Preflight = "UpdatePreflight";
    public const string Backup = "UpdateBackup";
    public const string Apply = "UpdateApply";
    public const string Verify = "UpdateVerify";
    public const string HealthCheck = "UpdateHealthCheck";
    public const string HealthBaseline = "UpdateHealthBaseline";
    public const string Revert = "UpdateRevert";
    public const string Finalize = "UpdateFinalize";
    public const string RestoreInstall = "RestoreInstallOrchestration";
    public const string Restore = "RestoreBackup";

    /// <summary>After finalize: the task's notifications (an activity of the Outbound layer, called by name).</summary>
    public const string Notify = "UpdateNotify";
}

/// <summary>One step of an update: its activity's name in history, the step the task shows, the progress it starts at.</summary>
public sealed record UpdateStep(string TaskName, string Name, int Progress)
{
    /// <summary>Runs beside another step: recorded in the task's <c>steps</c>, but the task's <c>step</c> stays the other's.</summary>
    public bool Alongside { get; init; }
}

/// <summary>The update's steps in order: the one table the orchestrator, the activities and the task row share.</summary>
public static class UpdateSteps
{
    public static readonly UpdateStep Preflight = new(TaskNames.Preflight, TaskSteps.Preflight, 5);
    public static readonly UpdateStep HealthBefore = new(TaskNames.HealthBaseline, TaskSteps.HealthBefore, 5) { Alongside = true };
    public static readonly UpdateStep Backup = new(TaskNames.Backup, TaskSteps.Backup, 10);
    public static readonly UpdateStep Apply = new(TaskNames.Apply, TaskSteps.Apply, 40);
    public static readonly UpdateStep Verify = new(TaskNames.Verify, TaskSteps.Verify, 85);
    public static readonly UpdateStep Health = new(TaskNames.HealthCheck, TaskSteps.Health, 90);
    public static readonly UpdateStep Revert = new(TaskNames.Revert, TaskSteps.Revert, 90);
    public static readonly UpdateStep Finalize = new(TaskNames.Finalize, TaskSteps.Finalize, 95);

    /// <summary>The one step of a restore on request (then <see cref="Finalize"/>).</summary>
    public static readonly UpdateStep Restore = new(TaskNames.Restore, TaskSteps.Restore, 10);

    public static readonly IReadOnlyList<UpdateStep> All = [Preflight, HealthBefore, Backup, Apply, Verify, Health, Revert, Finalize, Restore];
}
