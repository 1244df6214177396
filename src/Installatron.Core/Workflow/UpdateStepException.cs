using Installatron.Core.Domain;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;

namespace Installatron.Core.Workflow;

/// <summary>
/// A step that failed for a reason retrying will not fix, with the errcode the task will report. The errcode crosses
/// the activity boundary as a structured failure property (<see cref="StepFailureProperties"/>), read back with
/// <see cref="StepFailure.Of"/>; the message is the plain reason.
/// </summary>
public sealed class UpdateStepException(string errcode, string message) : Exception(message)
{
    public string Errcode { get; } = errcode;

    /// <summary>What the task shows of what the step found before it failed (the health it saw, say).</summary>
    public Func<UpdateTask, UpdateTask>? Shown { get; init; }

    public static UpdateStepException From(Refusal refusal) => new(refusal.Errcode, refusal.Message);
}

/// <summary>Puts a step's errcode into the failure details Durable records (registered for every worker).</summary>
public sealed class StepFailureProperties : IExceptionPropertiesProvider
{
    public const string Errcode = "errcode";

    /// <remarks>
    /// A site's server that cannot be reached is retried by the orchestration (it is not a verdict), but carries
    /// <c>failed_filesystem_host</c> so the last attempt's failure reports it.
    /// </remarks>
    public IDictionary<string, object?>? GetExceptionProperties(Exception exception) =>
        ((exception as UpdateStepException)?.Errcode ?? SiteFailures.ErrcodeOf(exception)) is { } errcode
            ? new Dictionary<string, object?> { [Errcode] = errcode }
            : null;
}

/// <summary>A step's failure as the orchestrator sees it: the errcode the step gave, else <paramref name="Errcode"/>'s fallback.</summary>
public sealed record StepFailure(string Errcode, string Message)
{
    public static StepFailure Of(TaskFailedException failure, string fallback) =>
        new(failure.FailureDetails.Properties?.TryGetValue(StepFailureProperties.Errcode, out var errcode) == true && errcode?.ToString() is { Length: > 0 } code
                ? code
                : fallback,
            failure.FailureDetails.ErrorMessage);
}
