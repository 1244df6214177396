namespace Installatron.Core.Workflow;

/// <summary>
/// Points where tests inject failures into a running update ("apply", "apply:core-applied", "verify", "revert"). Does
/// nothing in production; tests register a subclass.
/// </summary>
public class UpdateFaults
{
    public const string BeforeBackup = "backup";
    public const string BeforeApply = "apply";
    public const string AfterCoreApplied = "apply:core-applied";
    public const string BeforeVerify = "verify";
    public const string BeforeRevert = "revert";

    public virtual Task AtAsync(string point, string taskId, CancellationToken cancellationToken) => Task.CompletedTask;
}
