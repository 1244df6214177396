using System.Diagnostics;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// The site's health before anything changes (its health paths requested through its own web server), which the health
/// check after the update is judged against. Runs while the backup is taken: it only sends requests to the site, the
/// backup only reads it. Lighter than the other steps (<see cref="UpdateActivity{TResult}"/>): it neither touches the
/// site's files nor needs the lease, so it reads only the install and writes the task once, when it ends (its start
/// is not the task's <c>step</c>: <see cref="UpdateStep.Alongside"/>).
/// </summary>
[DurableTask(TaskNames.HealthBaseline)]
public sealed partial class HealthBaselineActivity(
    UpdateWork work, InstallStore installs, RecipeBook recipes, SiteHealth health, ILogger<HealthBaselineActivity> logger)
    : TaskActivity<UpdateInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, UpdateInput input)
    {
        var started = Stopwatch.GetTimestamp();
        var startedAt = work.Now;
        string? healthBefore = null;
        var outcome = "ok";
        try
        {
            var install = (await installs.GetAsync(input.InstallId, CancellationToken.None))?.Value
                ?? throw new UpdateStepException(ErrorCodes.InstallNotFound, $"The install {input.InstallId} was removed during the update.");
            var report = await health.CheckAsync(install, await recipes.ForAsync(install.Application, CancellationToken.None), CancellationToken.None);
            return healthBefore = report.State;
        }
        catch (UpdateStepException e)
        {
            outcome = e.Errcode;
            throw;
        }
        catch (Exception e)
        {
            outcome = e.GetType().Name;
            throw;
        }
        finally
        {
            var duration = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogEnded(logger, input.TaskId, healthBefore, outcome, duration);
            await work.EndAsync(input.TaskId, null, new StepRun(UpdateSteps.HealthBefore.Name, startedAt, duration, outcome),
                healthBefore is null ? null : task => task with { HealthBefore = healthBefore }, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Update step health_before of task {TaskId} ended: {Outcome} ({HealthBefore}) in {DurationMs} ms")]
    private static partial void LogEnded(ILogger logger, string taskId, string? healthBefore, string outcome, long durationMs);
}
