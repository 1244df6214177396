using Installatron.Core.Domain;
using Installatron.Core.Workflow.Activities;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow;

/// <summary>
/// One restore on request: the restore step, then finalize (the install's version becomes the backup's; a failed restore
/// marks it <c>incomplete</c>) and the task's notifications (<c>restore</c>/<c>restore_error</c>). Deterministic, as
/// <see cref="UpdateInstallOrchestrator"/>, with the same retry policy and the same finalize.
/// </summary>
[DurableTask(TaskNames.RestoreInstall)]
public sealed class RestoreInstallOrchestrator : TaskOrchestrator<UpdateInput, UpdateOutcome>
{
    public override async Task<UpdateOutcome> RunAsync(TaskOrchestrationContext context, UpdateInput input)
    {
        UpdateOutcome outcome;
        try
        {
            await context.CallActivityAsync(TaskNames.Restore, input, UpdateInstallOrchestrator.Retry);
            outcome = new UpdateOutcome(TaskStatuses.Complete, null, "The site and its tables were restored from the backup.\n");
        }
        catch (TaskFailedException failure)
        {
            var failed = StepFailure.Of(failure, ErrorCodes.FailedRestore);
            outcome = new UpdateOutcome(TaskStatuses.Failed, failed.Errcode, failed.Message);
        }

        return await UpdateInstallOrchestrator.FinalizeAsync(context, input, outcome, siteChanged: outcome.Status != TaskStatuses.Complete);
    }
}
