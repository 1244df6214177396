using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Activities;

public sealed record FinalizeInput(UpdateInput Update, UpdateOutcome Outcome, bool SiteChanged);

/// <summary>
/// Records the outcome: the install row (version, time_updated, version_autouped*, failures, incomplete), the task
/// row, then releases the install's lease and removes staged files. Idempotent: a finished task is left as it is.
/// </summary>
[DurableTask(TaskNames.Finalize)]
public sealed class FinalizeActivity(UpdateWork work, InstallStore installs, LeaseStore leases) : TaskActivity<FinalizeInput, bool>
{
    public const int MaxAutoUpdateAttempts = 3;

    public override async Task<bool> RunAsync(TaskActivityContext context, FinalizeInput input)
    {
        var ct = CancellationToken.None;
        var update = input.Update;
        var state = await work.LoadAsync(update, ct);
        var task = state.Task.Value;
        var (site, staging) = Folders(state);
        if (!task.IsFinished)
        {
            await UpdateInstallAsync(task, input, site, ct);
            await work.ChangeTaskAsync(update.TaskId, t => t with
            {
                Status = input.Outcome.Status,
                Step = TaskSteps.Done,
                Progress = 100,
                Errcode = input.Outcome.Errcode,
                Message = input.Outcome.Message,
                TimeCompleted = work.Now,
            }, ct);
        }

        await leases.ReleaseAsync(update.InstallId, update.TaskId, ct);
        if (staging is not null && Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        return true;
    }

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

    private async Task UpdateInstallAsync(UpdateTask task, FinalizeInput input, string? site, CancellationToken ct)
    {
        var stored = await installs.GetAsync(task.InstallId, ct);
        if (stored is null)
        {
            return;
        }

        var install = stored.Value;
        var now = work.Now;
        var inventory = site is not null && Applications.HasPluginsAndThemes(install.Application);
        var activation = input.Outcome.Status == TaskStatuses.Complete && inventory
            ? await Applications.ReadActivationAsync(install, ct)
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
                Plugins = inventory ? Applications.RefreshPlugins(site!, install.Plugins, activation) : install.Plugins,
                Themes = inventory ? Applications.RefreshThemes(site!, install.Themes, activation) : install.Themes,
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
