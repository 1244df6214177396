using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Api.Handlers;

/// <summary><c>GET /tasks</c> (offset/limit, filter by user or install) and <c>GET /tasks/{id}</c>: updates and how they went.</summary>
public sealed class TasksApi(ApiGuard guard, TaskStore tasks, InstallAccess access)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public Task<ApiResult> ListAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["user", "install", "offset", "limit"]);
            var offset = (int)fields.Long("offset", 0, 0, int.MaxValue);
            var limit = (int)fields.Long("limit", DefaultLimit, 1, MaxLimit);
            var user = fields.String("user");
            if (user is not null)
            {
                await access.RequireUserAsync(user, cancellationToken);
            }

            var all = await tasks.ListAsync(user, fields.String("install"), cancellationToken);
            var page = new List<UpdateTask>();
            foreach (var task in all.Skip(offset).Take(limit))
            {
                page.Add(await WithRuntimeStatusAsync(task, client, cancellationToken));
            }

            return ApiResult.Success(new TaskPage(all.Count, offset, limit, page), $"{page.Count} of {all.Count} task(s).\n");
        });

    public Task<ApiResult> GetAsync(HttpRequest request, string id, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            RequestFields.FromQuery(request).RejectUnknown([]);
            var task = (await tasks.GetAsync(id, cancellationToken))?.Value
                ?? throw new ApiRefusal(ErrorCodes.TaskNotFound, null, $"The task '{id}' was not found.");
            task = await WithRuntimeStatusAsync(task, client, cancellationToken);
            return ApiResult.Success(task, $"Task {task.Id} is {task.Status} ({task.Step}).\n");
        });

    /// <summary>A task whose orchestration died without finalizing (terminated, or failed outside any step) is shown as failed.</summary>
    private static async Task<UpdateTask> WithRuntimeStatusAsync(UpdateTask task, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (task.IsFinished)
        {
            return task;
        }

        var instance = await client.GetInstanceAsync(task.Id, getInputsAndOutputs: false, cancellationToken);
        return instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated
            ? task with
            {
                Status = TaskStatuses.Failed,
                Errcode = ErrorCodes.InternalError,
                Message = $"The update's orchestration {instance.RuntimeStatus.ToString().ToLowerInvariant()} before it could record its outcome.",
            }
            : task;
    }
}

public sealed record TaskPage(int Total, int Offset, int Limit, IReadOnlyList<UpdateTask> Tasks);
