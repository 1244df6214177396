using Installatron.Core.Domain;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// The site's health before anything changes (its health paths answered through its own web server), which the health
/// check after the update is judged against. Runs while the backup is taken: it only sends requests to the site, the
/// backup only reads it. Reads only.
/// </summary>
[DurableTask(TaskNames.HealthBaseline)]
public sealed class HealthBaselineActivity(UpdateWork work, SiteHealth health, ILogger<HealthBaselineActivity> logger)
    : UpdateActivity<string>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.HealthBefore;

    protected override async Task<string> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct) =>
        (await health.CheckAsync(state.Install.Value, state.Recipe, ct)).State;

    protected override UpdateTask Show(UpdateTask task, string healthBefore) => task with { HealthBefore = healthBefore };
}
