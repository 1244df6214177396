using Installatron.Core.Workflow;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Outbound.Workflow;

/// <summary>The update orchestration's last step, after finalize. Deterministic: it only calls the notify activity.</summary>
public static partial class NotifyStep
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    /// <summary>Queues the task's notifications; a failure is logged, never raised: notifying never changes an update's outcome.</summary>
    public static async Task RunAsync(TaskOrchestrationContext context, UpdateInput input, ILogger log)
    {
        try
        {
            await context.CallActivityAsync<int>(NotificationTaskNames.Notify, input, Retry);
        }
        catch (TaskFailedException failure)
        {
            LogFailed(log, input.TaskId, failure.FailureDetails.ErrorType);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notifications of update {TaskId} could not be queued ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, string taskId, string errorType);
}
