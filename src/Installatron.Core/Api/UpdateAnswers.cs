using System.Text.Json;
using System.Text.Json.Nodes;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Api;

/// <summary>
/// How an update is answered over HTTP: a synchronous update is waited for (up to
/// <see cref="InstallatronOptions.SyncWaitSeconds"/>, then 202 with the task); a background one answers with its task
/// at once; a repeated <c>Idempotency-Key</c> answers with the first request's task; a dry run with the install.
/// </summary>
public sealed class UpdateAnswers(TaskStore tasks, InstallStore installs, InstallView view, IOptions<InstallatronOptions> options)
{
    public async Task<ApiResult> StartedAsync(StartedUpdate started, bool background, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (started.Repeated)
        {
            return await RepeatedAsync(started.TaskId, cancellationToken);
        }

        if (background)
        {
            var task = (await tasks.GetAsync(started.TaskId, cancellationToken))!.Value;
            return ApiResult.Success(task, $"Preflight passed; the update runs in the background as task {task.Id} (GET /tasks/{task.Id}).\n");
        }

        return await WaitAsync(started.TaskId, client, cancellationToken);
    }

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

    /// <summary>
    /// <c>dryrun=all</c>: the install as always, plus <c>core_integrity</c> (null when no checksums are known) and
    /// <c>connections</c>, each connection the dry run proved (the site's server: connected, host key, login, shell;
    /// its folder: readable and writable; the backup location; the database; the package).
    /// </summary>
    public async Task<ApiResult> DryRunAsync(DryRunReport report, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.SerializeToNode(await view.PresentAsync(report.Install, cancellationToken), ApiJson.Options)!.AsObject();
        data["core_integrity"] = JsonSerializer.SerializeToNode(report.CoreIntegrity, ApiJson.Options);
        data["connections"] = JsonSerializer.SerializeToNode(report.Connections, ApiJson.Options);
        return ApiResult.SuccessWithCode(ErrorCodes.CompleteDryrun, data,
            "The dry run is complete: every check passed and every connection works; nothing was changed.\n");
    }

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
    private async Task<ApiResult> ResultOfAsync(UpdateTask task, CancellationToken cancellationToken)
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
            task.Status == TaskStatuses.Reverted ? $"The update failed and was reverted: {task.Message}" : $"The {task.Kind} failed: {task.Message}", task);
    }
}
