using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>The site's health after the update (<c>null</c> when it was not judged) and what the check saw.</summary>
public sealed record HealthOutcome(string? State, string Detail);

/// <summary>
/// After the new files are verified: the application's post-update step (WordPress: database upgrade), then its
/// health check. A site that was healthy before the update must be healthy after it, and its database must have
/// moved to the new version's schema (WordPress: <c>db_version</c>); otherwise the update failed (and is reverted
/// when a backup was taken). A site that was not healthy or not reachable before is not judged, and its database
/// upgrade could not be run.
/// </summary>
[DurableTask(TaskNames.HealthCheck)]
public sealed class HealthCheckActivity(UpdateWork work, SiteHealth health, SiteOpcache opcache, ILogger<HealthCheckActivity> logger)
    : UpdateActivity<HealthOutcome>(work, logger)
{
    /// <summary>
    /// PHP's OPcache checks a script's timestamp at most every <c>opcache.revalidate_freq</c> seconds (default 2): a
    /// request sooner after the apply can run the old compiled files. The site's PHP is first asked to drop them
    /// (<see cref="SiteOpcache"/>, as WordPress's own updater calls <c>opcache_invalidate</c> on what it copies); when it
    /// cannot say it did, the post-update step waits until this long after the apply ended (its start is stored in
    /// whole seconds, hence one more).
    /// </summary>
    public static readonly TimeSpan OpcacheRevalidation = TimeSpan.FromSeconds(3);

    protected override UpdateStep Step => UpdateSteps.Health;

    protected override async Task<HealthOutcome> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        // The preflight's finding travels in the input; an input written by an older version has it on the task.
        var before = input.HealthBefore ?? state.Task.Value.HealthBefore;
        if (before != HealthStates.Healthy)
        {
            return new HealthOutcome(null, $"skipped: the site was {before ?? "not checked"} before the update");
        }

        var site = await state.SiteAsync(ct);
        if (!await opcache.RefreshAsync(site.Files, site.Root, state.Install.Value, input.TaskId, ct))
        {
            await WaitForOpcacheAsync(state.Task.Value, ct);
        }

        try
        {
            await health.RunUpgradeStepAsync(state.Install.Value, state.Recipe, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The check below tells whether the site works; the upgrade step's own answer does not matter.
        }

        var after = await health.CheckAsync(state.Install.Value, state.Recipe, ct);
        if (after.State != HealthStates.Healthy)
        {
            throw Failed(ErrorCodes.FailedHealthCheck, $"The site no longer works after the update: {after.Detail}", after.State);
        }

        string? behind;
        try
        {
            behind = await ReportedVersions.DatabaseBehindAsync(state, site, ct);
        }
        catch (DatabaseException e)
        {
            throw Failed(e.Errcode, $"The database's schema version could not be read after the update: {e.Message}", after.State);
        }

        return behind is null
            ? new HealthOutcome(after.State, after.Detail)
            : throw Failed(ErrorCodes.FailedDatabaseUpgrade, $"The database upgrade did not run: {behind}.", after.State);
    }

    private async Task WaitForOpcacheAsync(UpdateTask task, CancellationToken ct)
    {
        if (task.Steps.LastOrDefault(s => s.Step == TaskSteps.Apply) is not { } apply)
        {
            return;
        }

        var fresh = DateTimeOffset.FromUnixTimeSeconds(apply.TimeStarted) + TimeSpan.FromMilliseconds(apply.DurationMs) + OpcacheRevalidation;
        var wait = fresh - Work.Time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Work.Time, ct);
        }
    }

    /// <summary>The step's verdict, with the health it saw shown on the task.</summary>
    private static UpdateStepException Failed(string errcode, string message, string healthAfter) =>
        new(errcode, message) { Shown = task => task with { HealthAfter = healthAfter } };

    protected override UpdateTask Show(UpdateTask task, HealthOutcome result) => task with { HealthAfter = result.State };
}
