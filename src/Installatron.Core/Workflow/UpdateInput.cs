using System.Text.Json.Serialization;

namespace Installatron.Core.Workflow;

/// <summary>
/// The orchestration's input, and every step's: IDs and the update's two decisions, never file lists (payload
/// limits). <paramref name="Backup"/>: a verified backup is taken before anything changes; <paramref
/// name="RevertOnFailure"/>: a failure after it restores it (the same decision today: <c>revert=true</c> or the
/// install's <c>autoup_backup=all</c>). Results of earlier steps a later one needs travel here too
/// (<see cref="HealthBefore"/>); they are null in inputs written by an older version, and the step then reads them
/// from the task row.
/// </summary>
public sealed record UpdateInput(
    string TaskId,
    string InstallId,
    bool Backup,
    [property: JsonPropertyName("Revert")] bool RevertOnFailure) : IUpdateStepInput
{
    UpdateInput IUpdateStepInput.Update => this;

    /// <summary>The health the site had before the update, which the health check after it is judged against.</summary>
    public string? HealthBefore { get; init; }

    /// <summary>
    /// How the orchestration runs this update, fixed when it starts so that a history replays the way it was written:
    /// 0 (inputs of older versions) = preflight takes the health baseline; <see cref="BaselineAlongsideBackup"/> = the
    /// baseline is a step of its own (<see cref="TaskNames.HealthBaseline"/>), run while the backup is taken.
    /// </summary>
    public int Shape { get; init; }

    public const int BaselineAlongsideBackup = 1;

    /// <summary>The shape new updates start with.</summary>
    public const int CurrentShape = BaselineAlongsideBackup;
}

/// <summary>The input of a step of the update: the update's own input, with whatever else the step takes.</summary>
public interface IUpdateStepInput
{
    UpdateInput Update { get; }
}

/// <summary>The orchestration's output, also kept in the task row.</summary>
public sealed record UpdateOutcome(string Status, string? Errcode, string Message)
{
    public const string CompleteMessage = "The task is complete.\n";
}
