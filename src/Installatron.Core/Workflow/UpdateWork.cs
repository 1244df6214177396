using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// What every step does around its own work: when it begins, one read of each row it needs (task, install, owner,
/// the application's catalog versions and recipe) with the step recorded on the task in the same pass, and the way to
/// its site (<see cref="UpdateState.SiteAsync"/>); when it ends, its
/// duration and outcome (and what it wants shown) recorded on the task.
/// </summary>
public sealed class UpdateWork(TaskStore tasks, InstallStore installs, UserStore users, CatalogStore catalog, RecipeBook recipes, SiteAccess access, TimeProvider time)
{
    /// <summary>Records <paramref name="step"/> as running and loads the update's state.</summary>
    public async Task<UpdateState> BeginAsync(UpdateInput input, UpdateStep step, CancellationToken cancellationToken)
    {
        var now = Now;
        var task = await tasks.ChangeAsync(input.TaskId, t => t.IsFinished || step == UpdateSteps.Finalize ? t : t with
        {
            Status = TaskStatuses.Running,
            Step = step.Name,
            Progress = Math.Max(t.Progress, step.Progress),
            TimeStarted = t.TimeStarted == 0 ? now : t.TimeStarted,
            TimeUpdated = now,
        }, cancellationToken);
        var install = await installs.GetAsync(input.InstallId, cancellationToken)
            ?? throw new UpdateStepException(ErrorCodes.InstallNotFound, $"The install {input.InstallId} was removed during the update.");
        var owner = (await users.GetAsync(install.Value.User, cancellationToken))?.Value
            ?? throw new UpdateStepException(ErrorCodes.UserNotFound, $"The owner '{install.Value.User}' of install {input.InstallId} was removed.");
        var versions = await catalog.ListVersionsAsync(install.Value.Application, cancellationToken);
        var target = task.Value.VersionTo == UpdatePolicy.CurrentVersion ? null : versions.FirstOrDefault(v => v.Version == task.Value.VersionTo);
        var installed = versions.FirstOrDefault(v => v.Version == task.Value.VersionFrom);
        return new UpdateState(task, install, owner, target, installed, await recipes.ForAsync(install.Value.Application, cancellationToken)) { Access = access };
    }

    /// <summary>Records how a step ended, with <paramref name="show"/>'s changes (what the step found, for <c>GET /tasks</c>).</summary>
    public Task EndAsync(string taskId, StepRun run, Func<UpdateTask, UpdateTask>? show, CancellationToken cancellationToken) =>
        tasks.ChangeAsync(taskId, t => (show?.Invoke(t) ?? t) with { Steps = [.. t.Steps, run], TimeUpdated = Now }, cancellationToken);

    public long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public TimeProvider Time => time;
}
