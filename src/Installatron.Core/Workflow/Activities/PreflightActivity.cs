using Installatron.Core.Api;
using Installatron.Core.Domain;
using Microsoft.DurableTask;

namespace Installatron.Core.Workflow.Activities;

/// <summary>Re-checks, when the update actually starts, everything the request was checked for. Reads only.</summary>
[DurableTask(TaskNames.Preflight)]
public sealed class PreflightActivity(UpdateWork work, UpdatePreflight preflight, SiteHealth health, CoreIntegrityCheck integrity) : TaskActivity<UpdateInput, PreflightReport>
{
    public override async Task<PreflightReport> RunAsync(TaskActivityContext context, UpdateInput input)
    {
        await work.StepAsync(input.TaskId, TaskSteps.Preflight, 5, CancellationToken.None);
        var state = await work.LoadAsync(input, CancellationToken.None);
        if (state.Task.Value.VersionTo != UpdatePolicy.CurrentVersion && state.Target is null)
        {
            throw new UpdateStepException(ErrorCodes.InvalidArgumentVersion, $"Version {state.Task.Value.VersionTo} was removed from the catalog.");
        }

        PreflightReport report;
        try
        {
            report = await preflight.RunAsync(state.Install.Value, state.Owner, state.Target, input.Backup, testConnections: false, CancellationToken.None);
        }
        catch (ApiRefusal refusal)
        {
            throw UpdateStepException.From(refusal);
        }

        // The baseline the health check after the update is judged against.
        var before = await health.CheckAsync(state.Install.Value, CancellationToken.None);
        var core = await integrity.CheckInstalledAsync(state.Install.Value, report.Site, CancellationToken.None);
        await work.ChangeTaskAsync(input.TaskId, t => t with { HealthBefore = before.State, CoreIntegrity = core }, CancellationToken.None);
        return report;
    }
}
