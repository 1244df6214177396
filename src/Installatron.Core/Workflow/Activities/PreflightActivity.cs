using Installatron.Core.Domain;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// What preflight found when the update began: the measurements, and (in updates of shape 0) the site's health before
/// anything changed; null when the baseline is its own step (<see cref="HealthBaselineActivity"/>).
/// </summary>
public sealed record PreflightResult(PreflightReport Report, string? HealthBefore, CoreIntegrityReport? CoreIntegrity);

/// <summary>
/// Re-checks, when the update actually starts, what the request was checked for (the owner, the paths once links are
/// followed, permissions, quota, the target still in the catalog), reusing the request's measurement of the site
/// rather than walking it again; then takes the baselines the later steps are judged against (the site's health only in
/// updates that started with shape 0: <see cref="UpdateInput.Shape"/>). Reads only.
/// </summary>
[DurableTask(TaskNames.Preflight)]
public sealed class PreflightActivity(UpdateWork work, UpdatePreflight preflight, SiteHealth health, CoreIntegrityCheck integrity, ILogger<PreflightActivity> logger)
    : UpdateActivity<PreflightResult>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Preflight;

    protected override async Task<PreflightResult> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        if (state.Task.Value.VersionTo != UpdatePolicy.CurrentVersion && state.Target is null)
        {
            throw new UpdateStepException(ErrorCodes.InvalidArgumentVersion, $"Version {state.Task.Value.VersionTo} was removed from the catalog.");
        }

        var site = await state.SiteAsync(ct);
        var report = await preflight.RunAsync(site.Connection, state.Install.Value, state.Target, input.Backup, testConnections: false, ct, state.Task.Value.Measured);
        var before = input.Shape >= UpdateInput.BaselineAlongsideBackup ? null : await health.CheckAsync(state.Install.Value, state.Recipe, ct);
        var core = await integrity.CheckInstalledAsync(site.Files, state.Install.Value, report.Site, ct);
        return new PreflightResult(report, before?.State, core);
    }

    protected override UpdateTask Show(UpdateTask task, PreflightResult result) =>
        task with { HealthBefore = result.HealthBefore ?? task.HealthBefore, CoreIntegrity = result.CoreIntegrity };
}
