using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// <c>GET /tasks</c> (offset/limit, filter by user or install) and <c>GET /tasks/{id}</c>: updates and how they went,
/// for the installs the acting <c>user</c> may act for (<see cref="InstallAccess"/>).
/// </summary>
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
            var install = fields.String("install");
            if (install is not null && !Ids.IsValidInstallId(install))
            {
                throw RequestFields.Invalid("install", "must be an install ID: 1 to 64 letters and digits");
            }

            var all = install is null
                ? await VisibleAsync(user, cancellationToken)
                : await ListForInstallAsync(install, user, cancellationToken);
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
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["user"]);
            var user = fields.String("user");
            var acting = user is null ? null : await access.RequireUserAsync(user, cancellationToken);
            var task = (await tasks.GetAsync(id, cancellationToken))?.Value;
            var decision = task is null ? Access.Hidden : await access.DecideAsync(acting, task.User, cancellationToken);
            if (decision == Access.OwnerSuspended)
            {
                throw InstallAccess.Suspended(new HostingUser { User = task!.User });
            }

            if (task is null || decision == Access.Hidden)
            {
                throw new Refusal(ErrorCodes.TaskNotFound, null, $"The task '{id}' was not found.");
            }

            task = await WithRuntimeStatusAsync(task, client, cancellationToken);
            return ApiResult.Success(task, $"Task {task.Id} is {task.Status} ({task.Step}).\n");
        });

    /// <summary>The tasks of one install, which the acting user must be allowed to see (else 404 or 403, as the install itself).</summary>
    private async Task<IReadOnlyList<UpdateTask>> ListForInstallAsync(string install, string? user, CancellationToken cancellationToken)
    {
        await access.ResolveAsync(install, user, cancellationToken);
        return await tasks.ListAsync(null, install, cancellationToken);
    }

    /// <summary>The tasks whose install's owner the acting user may act for and is active.</summary>
    private async Task<IReadOnlyList<UpdateTask>> VisibleAsync(string? user, CancellationToken cancellationToken)
    {
        var acting = user is null ? null : await access.RequireUserAsync(user, cancellationToken);
        // A plain user sees only its own; a reseller or admin reads them all and keeps those it acts for.
        var all = await tasks.ListAsync(acting?.Role == UserRoles.User ? acting.User : null, null, cancellationToken);
        var decisions = new Dictionary<string, Access>(StringComparer.Ordinal);
        var visible = new List<UpdateTask>();
        foreach (var task in all)
        {
            if (!decisions.TryGetValue(task.User, out var decision))
            {
                decisions[task.User] = decision = await access.DecideAsync(acting, task.User, cancellationToken);
            }

            if (decision == Access.Allowed)
            {
                visible.Add(task);
            }
        }

        return visible;
    }

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
