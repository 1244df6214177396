using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// Makes the site byte-identical to the backup taken before the update (files the update added removed), verified,
/// with its tables restored (<see cref="SiteRestorer"/>).
/// </summary>
[DurableTask(TaskNames.Revert)]
public sealed class RevertActivity(UpdateWork work, BackupStore backups, SiteRestorer restorer, UpdateFaults faults, ILogger<RevertActivity> logger)
    : UpdateActivity<bool>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Revert;

    protected override async Task<bool> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        await faults.AtAsync(UpdateFaults.BeforeRevert, input.TaskId, ct);
        var backup = await backups.GetAsync(input.InstallId, input.TaskId, ct)
            ?? throw new UpdateStepException(ErrorCodes.FailedRevert, "There is no backup of this update to revert to.");
        await restorer.RestoreAsync(state, backup, ErrorCodes.FailedRevert, ct);
        return true;
    }
}
