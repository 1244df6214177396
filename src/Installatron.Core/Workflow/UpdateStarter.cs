using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// Turns a validated update request into a running update: the idempotency key, the install's lease, preflight,
/// the task row, the orchestration — then waits for it (<c>background=false</c>) or answers at once.
/// </summary>
public sealed class UpdateStarter(
    TaskStore tasks, LeaseStore leases, UpdatePreflight preflight, InstallStore installs, InstallView view,
    CoreIntegrityCheck integrity, TimeProvider time, IOptions<InstallatronOptions> options)
{
    public async Task<ApiResult> StartAsync(
        ValidatedUpdate update, string? idempotencyKey, DurableTaskClient client, CancellationToken cancellationToken, bool automatic = false)
    {
        var install = update.Context.Install.Value;
        var request = update.Request;
        // revert=true, or the install's autoup_backup=all, asks for a backup and for restoring it if the update fails.
        var backup = request.Revert || install.AutoupBackup == "all";
        if (request.Dryrun == DryrunMode.All)
        {
            var checkedSite = await preflight.RunAsync(install, update.Context.Owner, update.Target, backup, testConnections: true, cancellationToken);
            var core = await integrity.CheckInstalledAsync(install, checkedSite.Site, cancellationToken);
            return ApiResult.SuccessWithCode(ErrorCodes.CompleteDryrun, CoreIntegrityCheck.WithReport(await view.PresentAsync(install, cancellationToken), core),
                "The dry run is complete: every check passed and every connection works; nothing was changed.\n");
        }

        var taskId = Ids.NewInstallId();
        if (idempotencyKey is not null && await tasks.ClaimIdempotencyKeyAsync(install.Id, idempotencyKey, taskId, cancellationToken) is { } earlier)
        {
            return await RepeatedAsync(earlier, cancellationToken);
        }

        try
        {
            await leases.AcquireAsync(install.Id, taskId, LeaseStore.DefaultDuration, cancellationToken);
        }
        catch (ApiRefusal)
        {
            await ReleaseKeyAsync(install.Id, idempotencyKey, cancellationToken);
            throw;
        }

        try
        {
            await preflight.RunAsync(install, update.Context.Owner, update.Target, backup, testConnections: false, cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            await tasks.AddAsync(new UpdateTask
            {
                Id = taskId,
                InstallId = install.Id,
                User = install.User,
                Application = install.Application,
                VersionFrom = install.Version,
                VersionTo = update.Target?.Version ?? UpdatePolicy.CurrentVersion,
                Revert = request.Revert,
                Backup = backup,
                Background = request.Background,
                Automatic = automatic,
                Plugins = request.Plugins is null ? null : update.Plugins.Select(p => p.Id).ToList(),
                Themes = request.Themes is null ? null : update.Themes.Select(t => t.Id).ToList(),
                IdempotencyKey = idempotencyKey,
                Message = "Queued.",
                TimeCreated = now,
                TimeUpdated = now,
            }, cancellationToken);
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.UpdateInstall, new UpdateInput(taskId, install.Id, Backup: backup, Revert: backup),
                new StartOrchestrationOptions { InstanceId = taskId }, cancellationToken);
        }
        catch
        {
            await leases.ReleaseAsync(install.Id, taskId, CancellationToken.None);
            await ReleaseKeyAsync(install.Id, idempotencyKey, CancellationToken.None);
            throw;
        }

        if (request.Background)
        {
            var task = (await tasks.GetAsync(taskId, cancellationToken))!.Value;
            return ApiResult.Success(task, $"Preflight passed; the update runs in the background as task {taskId} (GET /tasks/{taskId}).\n");
        }

        return await WaitAsync(taskId, client, cancellationToken);
    }

    /// <summary>Waits up to <see cref="InstallatronOptions.SyncWaitSeconds"/>; then answers 202 with the task so the caller can poll.</summary>
    private async Task<ApiResult> WaitAsync(string taskId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(options.Value.SyncWaitSeconds));
        try
        {
            await client.WaitForInstanceCompletionAsync(taskId, getInputsAndOutputs: false, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var running = (await tasks.GetAsync(taskId, cancellationToken))!.Value;
            return ApiResult.Success(running,
                $"The update is still running after {options.Value.SyncWaitSeconds} s; follow it with GET /tasks/{taskId}.\n", 202);
        }

        return await ResultOfAsync((await tasks.GetAsync(taskId, cancellationToken))!.Value, cancellationToken);
    }

    /// <summary>The answer for a finished task: the updated install, or the failure's errcode with the task as data.</summary>
    public async Task<ApiResult> ResultOfAsync(UpdateTask task, CancellationToken cancellationToken)
    {
        if (task.Status == TaskStatuses.Complete)
        {
            var install = (await installs.GetAsync(task.InstallId, cancellationToken))!.Value;
            return ApiResult.Success(await view.PresentAsync(install, cancellationToken));
        }

        if (!task.IsFinished)
        {
            return ApiResult.Success(task, $"Task {task.Id} is {task.Status} ({task.Step}).\n", 202);
        }

        return ApiResult.Failure(task.Errcode ?? ErrorCodes.FailedUpdate, null,
            task.Status == TaskStatuses.Reverted ? $"The update failed and was reverted: {task.Message}" : $"The update failed: {task.Message}", task);
    }

    public Task<string?> FindRepeatAsync(string installId, string idempotencyKey, CancellationToken cancellationToken) =>
        tasks.FindByIdempotencyKeyAsync(installId, idempotencyKey, cancellationToken);

    public async Task<ApiResult> RepeatedAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = (await tasks.GetAsync(taskId, cancellationToken))?.Value;
        if (task is null)
        {
            // The first request claimed the key a moment ago and is still starting its task.
            return ApiResult.Success(null, $"This Idempotency-Key already belongs to task {taskId}, which is starting; GET /tasks/{taskId}.\n", 202);
        }

        return task.IsFinished
            ? await ResultOfAsync(task, cancellationToken)
            : ApiResult.Success(task, $"This Idempotency-Key already belongs to task {taskId}; GET /tasks/{taskId}.\n", 202);
    }

    private async Task ReleaseKeyAsync(string installId, string? key, CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            await tasks.ReleaseIdempotencyKeyAsync(installId, key, cancellationToken);
        }
    }
}
