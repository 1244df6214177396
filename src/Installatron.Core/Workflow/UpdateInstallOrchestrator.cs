using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Workflow.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow;

/// <summary>
/// One update: preflight → backup → apply → verify, then finalize; on a failure after the backup, revert when
/// asked. Deterministic: no I/O, no clock, no randomness here; every effect is an activity, and every activity is
/// idempotent, so a replay after a crash re-runs at most the step that was interrupted.
/// </summary>
[DurableTask(TaskNames.UpdateInstall)]
public sealed class UpdateInstallOrchestrator : TaskOrchestrator<UpdateInput, UpdateOutcome>
{
    /// <summary>Transient faults (storage, I/O) are retried; a step's own verdict (<see cref="UpdateStepException"/>) is not.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2)
    {
        HandleFailure = failure => !failure.IsCausedBy<UpdateStepException>(),
    });

    public override async Task<UpdateOutcome> RunAsync(TaskOrchestrationContext context, UpdateInput input)
    {
        var log = context.CreateReplaySafeLogger<UpdateInstallOrchestrator>();
        try
        {
            await context.CallActivityAsync(TaskNames.Preflight, input, Retry);
            if (input.Backup)
            {
                await context.CallActivityAsync(TaskNames.Backup, input, Retry);
            }
        }
        catch (TaskFailedException failure)
        {
            // Nothing of the site was touched yet.
            var (errcode, message) = UpdateStepException.Parse(failure.FailureDetails.ErrorMessage, ErrorCodes.FailedBackup);
            return await FinalizeAsync(context, input, TaskStatuses.Failed, errcode, message, siteChanged: false);
        }

        try
        {
            await context.CallActivityAsync(TaskNames.Apply, input, Retry);
            await context.CallActivityAsync(TaskNames.Verify, input, Retry);
            await context.CallActivityAsync<string>(TaskNames.HealthCheck, input, Retry);
        }
        catch (TaskFailedException failure)
        {
            var (errcode, message) = UpdateStepException.Parse(failure.FailureDetails.ErrorMessage, ErrorCodes.FailedUpdate);
            log.LogWarning("Update {TaskId} failed: {Errcode}", input.TaskId, errcode);
            if (!(input.Backup && input.Revert))
            {
                return await FinalizeAsync(context, input, TaskStatuses.Failed, errcode, message, siteChanged: true);
            }

            try
            {
                await context.CallActivityAsync(TaskNames.Revert, input, Retry);
            }
            catch (TaskFailedException revertFailure)
            {
                var (_, revertMessage) = UpdateStepException.Parse(revertFailure.FailureDetails.ErrorMessage, ErrorCodes.FailedRevert);
                return await FinalizeAsync(context, input, TaskStatuses.Failed, ErrorCodes.FailedRevert,
                    $"{message} The revert failed too: {revertMessage}", siteChanged: true);
            }

            return await FinalizeAsync(context, input, TaskStatuses.Reverted, errcode,
                $"{message} The site was restored from the backup taken before the update.", siteChanged: false);
        }

        return await FinalizeAsync(context, input, TaskStatuses.Complete, null, ApiResult.TaskComplete, siteChanged: true);
    }

    private static async Task<UpdateOutcome> FinalizeAsync(
        TaskOrchestrationContext context, UpdateInput input, string status, string? errcode, string message, bool siteChanged)
    {
        var outcome = new UpdateOutcome(status, errcode, message);
        await context.CallActivityAsync(TaskNames.Finalize, new FinalizeInput(input, outcome, siteChanged), Retry);
        return outcome;
    }
}
