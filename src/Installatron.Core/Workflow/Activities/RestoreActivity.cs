using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// A restore on request: makes the site byte-identical to the task's backup (<see cref="UpdateTask.BackupId"/>), verified,
/// with its tables restored (<see cref="SiteRestorer"/>). Idempotent: restoring the same backup again changes nothing.
/// </summary>
[DurableTask(TaskNames.Restore)]
public sealed class RestoreActivity(UpdateWork work, BackupStore backups, SiteRestorer restorer, ILogger<RestoreActivity> logger)
    : UpdateActivity<bool>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Restore;

    protected override async Task<bool> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        var backupId = state.Task.Value.BackupId ?? "";
        var backup = await backups.GetAsync(input.InstallId, backupId, ct)
            ?? throw new UpdateStepException(ErrorCodes.BackupNotFound, $"The backup '{backupId}' of install {input.InstallId} is gone.");
        await restorer.RestoreAsync(state, backup, ErrorCodes.FailedRestore, ct);
        return true;
    }
}
