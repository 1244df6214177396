using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
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
public sealed partial class FinalizeActivity(UpdateWork work, InstallStore installs, LeaseStore leases, BackupRetention retention, ILogger<FinalizeActivity> logger)
    : UpdateActivity<FinalizeInput, UpdateOutcome>(work, logger)
{
    public const int MaxAutoUpdateAttempts = 3;

    protected override UpdateStep Step => UpdateSteps.Finalize;

    protected override async Task<UpdateOutcome> RunStepAsync(UpdateState state, FinalizeInput input, CancellationToken ct)
    {
        var (site, root, staging) = await FoldersAsync(state, ct);
        // Without the lease a newer update owns the install: only the task is recorded.
        if (!state.Task.Value.IsFinished && state.LeaseHeld)
        {
            await UpdateInstallAsync(state, input, site, root, ct);
        }

        await leases.ReleaseAsync(input.Update.InstallId, input.Update.TaskId, ct);
        if (site is not null && staging is not null)
        {
            RemoveWorkFolders(site, staging);
            await PruneBackupsAsync(site, input.Update.InstallId, ct);
        }

        return input.Outcome;
    }

    protected override UpdateTask Show(UpdateTask task, UpdateOutcome outcome) => task.IsFinished ? task : Finished(task with
    {
        Status = outcome.Status,
        Step = TaskSteps.Done,
        Progress = 100,
        Errcode = outcome.Errcode,
        Message = outcome.Message,
        TimeCompleted = Work.Now,
    });

    private static UpdateTask Finished(UpdateTask task) => task with { Outcome = TaskOutcomes.For(task) };

    /// <summary>
    /// The site and the real paths of its folder and the staging folder; <c>null</c> when they now lead outside the
    /// owner's home, or the site's server cannot be reached: the outcome is still recorded, and nothing there is touched.
    /// </summary>
    private static async Task<(UpdateSite? Site, string? Root, string? Staging)> FoldersAsync(UpdateState state, CancellationToken ct)
    {
        try
        {
            var site = await state.SiteAsync(ct);
            return (site, site.Root, site.StagingDirectory);
        }
        catch (Exception e) when (e is UpdateStepException || SiteFailures.ErrcodeOf(e) is not null)
        {
            return (null, null, null);
        }
    }

    /// <summary>Old backups removed and the store collected; a failure there is logged, never the update's.</summary>
    private async Task PruneBackupsAsync(UpdateSite site, string installId, CancellationToken ct)
    {
        try
        {
            await retention.PruneAsync(site, installId, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SiteFilesException or Azure.RequestFailedException
            && !SiteFailures.IsTransient(e))
        {
            LogPruneFailed(logger, installId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old backups of install {InstallId} could not be removed.")]
    private static partial void LogPruneFailed(ILogger logger, string installId, Exception exception);

    /// <summary>The update's staging folder (packages, unpacked files) and, for a remote site, its work folder here; best effort.</summary>
    private static void RemoveWorkFolders(UpdateSite site, string staging)
    {
        if (!site.Connection.IsRemote)
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            return;
        }

        var work = site.WorkDirectory;
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        try
        {
            site.Files.DeleteTree(staging);
        }
        catch (Exception e) when (SiteFailures.IsTransient(e))
        {
            // The server went away: the folder is left for the next update of this site to clear (it is marked as ours).
        }
    }

    private async Task UpdateInstallAsync(UpdateState state, FinalizeInput input, UpdateSite? site, string? root, CancellationToken ct)
    {
        var (stored, task, recipe) = (state.Install, state.Task.Value, state.Recipe);
        var install = stored.Value;
        var now = Work.Now;
        var inventory = site is not null && root is not null && input.Outcome.Status == TaskStatuses.Complete && recipe.Components.Count > 0;
        var activation = inventory ? await SiteInventory.ReadActivationAsync(recipe, site!.Connection, install, ct) : null;
        var plugins = inventory ? await SiteInventory.RefreshPluginsAsync(recipe, site!.Files, root!, install.Plugins, activation, ct) : install.Plugins;
        var themes = inventory ? await SiteInventory.RefreshThemesAsync(recipe, site!.Files, root!, install.Themes, activation, ct) : install.Themes;
        Install changed = input.Outcome.Status switch
        {
            TaskStatuses.Complete => install with
            {
                Version = task.VersionTo == UpdatePolicy.CurrentVersion ? install.Version : task.VersionTo,
                VersionAutouped = task.Automatic && task.VersionTo != UpdatePolicy.CurrentVersion ? task.VersionTo : install.VersionAutouped,
                VersionAutoupedAttempts = 0,
                TimeUpdated = now,
                Incomplete = false,
                Plugins = plugins,
                Themes = themes,
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
