using Installatron.Core.Api;
using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// After the new files are verified: the application's post-update step (WordPress: database upgrade), then its
/// health check. A site that was healthy before the update must be healthy after it, and its database must have
/// moved to the new version's schema (WordPress: <c>db_version</c>); otherwise the update failed (and is reverted
/// when a backup was taken). A site that was not healthy or not reachable before is not judged, and its database
/// upgrade could not be run.
/// </summary>
[DurableTask(TaskNames.HealthCheck)]
public sealed class HealthCheckActivity(UpdateWork work, SiteHealth health) : TaskActivity<UpdateInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, UpdateInput input)
    {
        var ct = CancellationToken.None;
        await work.StepAsync(input.TaskId, TaskSteps.Health, 90, ct);
        var state = await work.LoadAsync(input, ct);
        if (state.Task.Value.HealthBefore != HealthStates.Healthy)
        {
            return $"skipped: the site was {state.Task.Value.HealthBefore ?? "not checked"} before the update";
        }

        try
        {
            await health.RunUpgradeStepAsync(state.Install.Value, ct);
        }
        catch (HttpRequestException)
        {
            // The check below tells whether the site works; the upgrade step's own answer does not matter.
        }

        var after = await health.CheckAsync(state.Install.Value, ct);
        await work.ChangeTaskAsync(input.TaskId, t => t with { HealthAfter = after.State }, ct);
        if (after.State != HealthStates.Healthy)
        {
            throw new UpdateStepException(ErrorCodes.FailedHealthCheck, $"The site no longer works after the update: {after.Detail}");
        }

        try
        {
            if (await ReportedVersions.DatabaseBehindAsync(state, ct) is { } behind)
            {
                throw new UpdateStepException(ErrorCodes.FailedDatabaseUpgrade, $"The database upgrade did not run: {behind}.");
            }
        }
        catch (DatabaseException e)
        {
            throw new UpdateStepException(e.Errcode, $"The database's schema version could not be read after the update: {e.Message}");
        }

        return after.Detail;
    }
}
