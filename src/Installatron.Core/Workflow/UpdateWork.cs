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
public sealed class UpdateWork(TaskStore tasks, InstallStore installs, UserStore users, CatalogStore catalog, LeaseStore leases, RecipeBook recipes, SiteAccess access, TimeProvider time)
{
    /// <summary>
    /// Renews the install's lease, records <paramref name="step"/> as running and loads the update's state. A step finding
    /// the lease taken by another update (this one was given up after an outage longer than the lease) fails with
    /// <c>update_superseded</c> before it touches anything; finalize still runs, and only records the task.
    /// </summary>
    public async Task<UpdateState> BeginAsync(UpdateInput input, UpdateStep step, CancellationToken cancellationToken)
    {
        var leaseHeld = await RenewLeaseAsync(input, cancellationToken);
        if (!leaseHeld && step != UpdateSteps.Finalize)
        {
            throw Superseded(input);
        }

        var now = Now;
        var task = await tasks.ChangeAsync(input.TaskId, t => t.IsFinished || step == UpdateSteps.Finalize ? t : t with
        {
            Status = TaskStatuses.Running,
            Step = step.Alongside ? t.Step : step.Name,
            Progress = Math.Max(t.Progress, step.Progress),
            TimeStarted = t.TimeStarted == 0 ? now : t.TimeStarted,
            TimeUpdated = now,
        }, cancellationToken);
        var install = await installs.GetAsync(input.InstallId, cancellationToken)
            ?? throw new UpdateStepException(ErrorCodes.InstallNotFound, $"The install {input.InstallId} was removed during the update.");
        var owner = (await users.GetAsync(install.Value.User, cancellationToken))?.Value
            ?? throw new UpdateStepException(ErrorCodes.UserNotFound, $"The owner '{install.Value.User}' of install {input.InstallId} was removed.");
        var application = install.Value.Application;
        var target = task.Value.VersionTo == UpdatePolicy.CurrentVersion ? null : await catalog.FindVersionAsync(application, task.Value.VersionTo, cancellationToken);
        // The installed version may well not be in the catalog (an imported site): no second read for it.
        var installed = (await catalog.ListVersionsAsync(application, cancellationToken)).FirstOrDefault(v => v.Version == task.Value.VersionFrom);
        return new UpdateState(task, install, owner, target, installed, await recipes.ForAsync(application, cancellationToken)) { LeaseHeld = leaseHeld, Access = access };
    }

    /// <summary>Extends the update's lease on its install; <c>false</c> when another update holds it now.</summary>
    public Task<bool> RenewLeaseAsync(UpdateInput input, CancellationToken cancellationToken) =>
        leases.RenewAsync(input.InstallId, input.TaskId, LeaseStore.DefaultDuration, cancellationToken);

    public static UpdateStepException Superseded(UpdateInput input) =>
        new(ErrorCodes.UpdateSuperseded, $"The update lost its lease on install {input.InstallId} to a newer update (it was stopped longer than " +
            $"the lease lasts, {LeaseStore.DefaultDuration.TotalMinutes:0} minutes); it stopped without touching the site any more.");

    /// <summary>
    /// Records how a step ended, with <paramref name="show"/>'s changes (what the step found, for <c>GET /tasks</c>), on
    /// the task as <see cref="BeginAsync"/> left it (<paramref name="begun"/>; read again only when it changed since).
    /// </summary>
    public Task EndAsync(string taskId, Stored<UpdateTask>? begun, StepRun run, Func<UpdateTask, UpdateTask>? show, CancellationToken cancellationToken) =>
        tasks.ChangeAsync(taskId, t => (show?.Invoke(t) ?? t) with { Steps = [.. t.Steps, run], TimeUpdated = Now }, cancellationToken, begun);

    public long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public TimeProvider Time => time;
}
