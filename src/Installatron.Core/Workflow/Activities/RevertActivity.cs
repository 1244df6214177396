using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>Makes the site byte-identical to the backup taken before the update (files the update added removed), verified.</summary>
[DurableTask(TaskNames.Revert)]
public sealed class RevertActivity(UpdateWork work, BackupStore backups, UpdateFaults faults, ILogger<RevertActivity> logger)
    : UpdateActivity<bool>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Revert;

    protected override async Task<bool> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        await faults.AtAsync(UpdateFaults.BeforeRevert, input.TaskId, ct);
        var site = state.SiteRoot;
        var backup = await backups.GetAsync(input.InstallId, input.TaskId, ct)
            ?? throw new UpdateStepException(ErrorCodes.FailedRevert, "There is no backup of this update to revert to.");
        try
        {
            var archive = await backups.EnsureLocalAsync(backup, ct);
            if (backup.Tables is not null && InstallDatabase.For(state.Install.Value) is { } database)
            {
                var dump = InstallDatabase.DumpPathFor(archive);
                var stored = await SiteBackup.ExtractAttachmentAsync(archive, InstallDatabase.AttachmentName, dump, ct);
                try
                {
                    await InstallDatabase.RestoreAsync(database, dump, stored.Tables ?? backup.Tables, ct);
                }
                finally
                {
                    File.Delete(dump);
                }
            }

            await SiteRestore.RestoreAsync(archive, site, state.Install.Value.ExcludeFiles, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SiteFilesException or DatabaseException)
        {
            throw new UpdateStepException(ErrorCodes.FailedRevert, $"Restoring {site} from the backup failed: {e.Message}");
        }

        return true;
    }
}
