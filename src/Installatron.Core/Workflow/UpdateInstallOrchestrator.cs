using Installatron.Core.Domain;
using Installatron.Core.Workflow.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow;

/// <summary>
/// One update: preflight → backup (with the health baseline taken meanwhile) → apply → verify → health check, then
/// finalize; on a failure after the backup, revert when asked. Steps return their results here (<see cref="PreflightResult"/> carries the health the later
/// check is judged against); a step's verdict arrives as its errcode in the failure's properties (<see cref="StepFailure"/>). Deterministic: no I/O, no clock, no randomness here; every effect is an activity, and every activity is
/// idempotent, so a replay after a crash re-runs at most the step that was interrupted.
/// </summary>
[DurableTask(TaskNames.UpdateInstall)]
public sealed partial class UpdateInstallOrchestrator : TaskOrchestrator<UpdateInput, UpdateOutcome>
{
    /// <summary>Transient faults (storage, I/O) are retried; a step's own verdict (<see cref="UpdateStepException"/>) is not.</summary>
    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 3,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2)
    {
        HandleFailure = failure => !failure.IsCausedBy<UpdateStepException>(),
    });

    public override async Task<UpdateOutcome> RunAsync(TaskOrchestrationContext context, UpdateInput input)
    {
        var log = context.CreateReplaySafeLogger<UpdateInstallOrchestrator>();
        PreflightResult preflight;
        try
        {
            preflight = await context.CallActivityAsync<PreflightResult>(TaskNames.Preflight, input, Retry);
        }
        catch (TaskFailedException failure)
        {
            return await FailedAsync(context, log, input, StepFailure.Of(failure, ErrorCodes.FailedUpdate), siteChanged: false);
        }

        // Shape 0 (histories of older versions): preflight took the baseline. Now it is taken while the backup runs.
        var baseline = input.Shape >= UpdateInput.BaselineAlongsideBackup
            ? context.CallActivityAsync<string>(TaskNames.HealthBaseline, input, Retry)
            : null;
        if (input.Backup)
        {
            try
            {
                await context.CallActivityAsync(TaskNames.Backup, input, Retry);
            }
            catch (TaskFailedException failure)
            {
                // No verified backup, no update: nothing of the site was touched yet.
                await SettledAsync(baseline);
                return await FailedAsync(context, log, input, StepFailure.Of(failure, ErrorCodes.FailedBackup), siteChanged: false);
            }
        }

        var healthBefore = preflight.HealthBefore;
        if (baseline is not null)
        {
            try
            {
                healthBefore = await baseline;
            }
            catch (TaskFailedException failure)
            {
                return await FailedAsync(context, log, input, StepFailure.Of(failure, ErrorCodes.FailedUpdate), siteChanged: false);
            }
        }

        try
        {
            // Outputs the orchestrator does not need are not read: histories written by an older version still replay.
            await context.CallActivityAsync(TaskNames.Apply, input, Retry);
            await context.CallActivityAsync(TaskNames.Verify, input, Retry);
            await context.CallActivityAsync(TaskNames.HealthCheck, input with { HealthBefore = healthBefore }, Retry);
        }
        catch (TaskFailedException failure)
        {
            var failed = StepFailure.Of(failure, ErrorCodes.FailedUpdate);
            if (failed.Errcode == ErrorCodes.UpdateSuperseded)
            {
                // A newer update holds the install now: its site is not ours to revert or mark.
                return await FailedAsync(context, log, input, failed, siteChanged: false);
            }

            if (!(input.Backup && input.RevertOnFailure))
            {
                return await FailedAsync(context, log, input, failed, siteChanged: true);
            }

            try
            {
                await context.CallActivityAsync(TaskNames.Revert, input, Retry);
            }
            catch (TaskFailedException revertFailure)
            {
                var revert = StepFailure.Of(revertFailure, ErrorCodes.FailedRevert);
                if (revert.Errcode == ErrorCodes.UpdateSuperseded)
                {
                    return await FailedAsync(context, log, input, revert, siteChanged: false);
                }

                return await FailedAsync(context, log, input,
                    new StepFailure(ErrorCodes.FailedRevert, $"{failed.Message} The revert failed too: {revert.Message}"), siteChanged: true);
            }

            LogOutcome(log, input.TaskId, TaskStatuses.Reverted, failed.Errcode);
            return await FinalizeAsync(context, input, new UpdateOutcome(TaskStatuses.Reverted, failed.Errcode,
                $"{failed.Message} The site was restored from the backup taken before the update."), siteChanged: false);
        }

        LogOutcome(log, input.TaskId, TaskStatuses.Complete, null);
        return await FinalizeAsync(context, input, new UpdateOutcome(TaskStatuses.Complete, null, UpdateOutcome.CompleteMessage), siteChanged: true);
    }

    /// <summary>Waits for a step the outcome no longer depends on, so that it has ended (and written the task) before finalize.</summary>
    private static async Task SettledAsync(Task? step)
    {
        try
        {
            await (step ?? Task.CompletedTask);
        }
        catch (TaskFailedException)
        {
            // The update fails for another reason.
        }
    }

    private static Task<UpdateOutcome> FailedAsync(TaskOrchestrationContext context, ILogger log, UpdateInput input, StepFailure failure, bool siteChanged)
    {
        LogOutcome(log, input.TaskId, TaskStatuses.Failed, failure.Errcode);
        return FinalizeAsync(context, input, new UpdateOutcome(TaskStatuses.Failed, failure.Errcode, failure.Message), siteChanged);
    }

    internal static async Task<UpdateOutcome> FinalizeAsync(TaskOrchestrationContext context, UpdateInput input, UpdateOutcome outcome, bool siteChanged)
    {
        await context.CallActivityAsync(TaskNames.Finalize, new FinalizeInput(input, outcome, siteChanged), Retry);
        await NotifyAsync(context, input);
        return outcome;
    }

    /// <summary>The task's notifications into the outbox (the Outbound layer's activity); a failure is logged, never raised.</summary>
    private static async Task NotifyAsync(TaskOrchestrationContext context, UpdateInput input)
    {
        try
        {
            await context.CallActivityAsync<int>(TaskNames.Notify, input, Retry);
        }
        catch (TaskFailedException failure)
        {
            LogNotifyFailed(context.CreateReplaySafeLogger<UpdateInstallOrchestrator>(), input.TaskId, failure.FailureDetails.ErrorType);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notifications of update {TaskId} could not be queued ({ErrorType}); the update's outcome stands")]
    private static partial void LogNotifyFailed(ILogger logger, string taskId, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {TaskId} ended {Status} ({Errcode})")]
    private static partial void LogOutcome(ILogger logger, string taskId, string status, string? errcode);
}
