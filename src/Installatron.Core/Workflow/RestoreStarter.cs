using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Workflow;

/// <summary>
/// Starts a restore of one of an install's backups: the backup must be a verified one of this install
/// (<c>backup_not_found</c>, <c>errfield</c> <c>backup</c>, otherwise), the install's lease is taken (one task at a
/// time: <c>update_in_progress</c>), then the task row and the orchestration. An <c>Idempotency-Key</c> is claimed first,
/// as an update's (<see cref="UpdateStarter"/>): a request that repeats it gets the task the key already belongs to.
/// </summary>
public sealed class RestoreStarter(BackupStore backups, TaskStore tasks, LeaseStore leases, TimeProvider time)
{
    public async Task<StartedUpdate> StartAsync(
        InstallInContext context, string backupId, bool background, string? idempotencyKey, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var install = context.Install.Value;
        var backup = Ids.IsValidInstallId(backupId) ? await backups.GetAsync(install.Id, backupId, cancellationToken) : null;
        if (backup is not { Verified: true })
        {
            throw new Refusal(ErrorCodes.BackupNotFound, "backup", $"Install {install.Id} has no backup '{backupId}' (GET /backups?install={install.Id} lists them).");
        }

        var taskId = Ids.NewInstallId();
        if (await TaskClaim.ClaimAsync(tasks, leases, install.Id, idempotencyKey, taskId, cancellationToken) is { } earlier)
        {
            return new StartedUpdate(earlier, Repeated: true);
        }

        try
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            await tasks.AddAsync(new UpdateTask
            {
                Id = taskId,
                Kind = TaskKinds.Restore,
                InstallId = install.Id,
                User = install.User,
                Application = install.Application,
                VersionFrom = install.Version,
                VersionTo = backup.Version,
                BackupId = backup.Id,
                Background = background,
                IdempotencyKey = idempotencyKey,
                Message = "Queued.",
                TimeCreated = now,
                TimeUpdated = now,
            }, cancellationToken);
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.RestoreInstall, new UpdateInput(taskId, install.Id, Backup: false, RevertOnFailure: false),
                new StartOrchestrationOptions { InstanceId = taskId }, cancellationToken);
        }
        catch
        {
            await leases.ReleaseAsync(install.Id, taskId, CancellationToken.None);
            await tasks.ReleaseIdempotencyKeyAsync(install.Id, idempotencyKey, CancellationToken.None);
            throw;
        }

        return new StartedUpdate(taskId, Repeated: false);
    }
}
