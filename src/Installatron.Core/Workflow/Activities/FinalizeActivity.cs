using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

public sealed record FinalizeInput(UpdateInput Update, UpdateOutcome Outcome, bool SiteChanged) : IUpdateStepInput;

/// <summary>
/// Records the outcome: the install row (version, time_updated, version_autouped*, failures, incomplete), then
/// releases the install's lease, removes staged files, and marks the task finished. Idempotent: a finished task is
/// left as it is. An update that lost its lease to a newer one (<c>update_superseded</c>) leaves the install row alone.
/// </summary>
[DurableTask(TaskNames.Finalize)]
public sealed class FinalizeActivity(UpdateWork work, InstallStore installs, LeaseStore leases, ILogger<FinalizeActivity> logger)
    : UpdateActivity<FinalizeInput, UpdateOutcome>(work, logger)
{
    public const int MaxAutoUpdateAttempts = 3;

    protected override UpdateStep Step => UpdateSteps.Finalize;

    protected override async Task<UpdateOutcome> RunStepAsync(UpdateState state, FinalizeInput input, CancellationToken ct)
    {
        var (site, staging) = Folders(state);
        // Without the lease a newer update owns the install: only the task is recorded.
        if (!state.Task.Value.IsFinished && state.LeaseHeld)
        {
            await UpdateInstallAsync(state, input, site, ct);
        }

        await leases.ReleaseAsync(input.Update.InstallId, input.Update.TaskId, ct);
        if (staging is not null && Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        return input.Outcome;
    }

    protected override UpdateTask Show(UpdateTask task, UpdateOutcome outcome) => task.IsFinished ? task : task with
    {
        Status = outcome.Status,
        Step = TaskSteps.Done,
        Progress = 100,
        Errcode = outcome.Errcode,
        Message = outcome.Message,
        TimeCompleted = Work.Now,
    };

    /// <summary>
    /// The real paths of the site and the staging folder; <c>null</c> when they now lead outside the owner's home:
    /// the outcome is still recorded, and nothing on disk is touched.
    /// </summary>
    private static (string? Site, string? Staging) Folders(UpdateState state)
    {
        try
        {
            return (state.SiteRoot, state.StagingDirectory);
        }
        catch (UpdateStepException)
        {
            return (null, null);
        }
    }

    private async Task UpdateInstallAsync(UpdateState state, FinalizeInput input, string? site, CancellationToken ct)
    {
        var (stored, task, recipe) = (state.Install, state.Task.Value, state.Recipe);
        var install = stored.Value;
        var now = Work.Now;
        var inventory = site is not null && recipe.Components.Count > 0;
        var activation = input.Outcome.Status == TaskStatuses.Complete && inventory
            ? await SiteInventory.ReadActivationAsync(recipe, install, ct)
            : null;
        Install changed = input.Outcome.Status switch
        {
            TaskStatuses.Complete => install with
            {
                Version = task.VersionTo == UpdatePolicy.CurrentVersion ? install.Version : task.VersionTo,
                VersionAutouped = task.Automatic && task.VersionTo != UpdatePolicy.CurrentVersion ? task.VersionTo : install.VersionAutouped,
                VersionAutoupedAttempts = 0,
                TimeUpdated = now,
                Incomplete = false,
                Plugins = inventory ? SiteInventory.RefreshPlugins(recipe, site!, install.Plugins, activation) : install.Plugins,
                Themes = inventory ? SiteInventory.RefreshThemes(recipe, site!, install.Themes, activation) : install.Themes,
            },
            // A second run after a crash finds its failure recorded and changes nothing.
            _ when install.Failures.Any(f => f.Task == task.Id) => install,
            _ => install with
            {
                VersionAutoupedAttempts = task.Automatic ? install.VersionAutoupedAttempts + 1 : install.VersionAutoupedAttempts,
                Incomplete = input.SiteChanged,
                Failures = [.. install.Failures, new UpdateFailure(now, task.VersionTo, input.Outcome.Errcode ?? "", input.Outcome.Message, task.Id)],
            },
        };

        await installs.ReplaceAsync(changed, stored.ETag, ct);
    }
}
