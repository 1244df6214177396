using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>
/// An administrator's pause, resume and cancel. Pause and cancel stop the starts at the runner's next step (updates
/// already running finish and are recorded); a paused or cancelled rollout takes no installs at the next sweep. Resume
/// sets it running again and starts a runner when none runs (one that was terminated from outside is replaced).
/// Cancelled and complete rollouts are finished: they refuse with <c>rollout_finished</c>.
/// </summary>
public sealed partial class RolloutControl(RolloutStore rollouts, TimeProvider time, ILogger<RolloutControl> logger)
{
    public async Task<Rollout> GetAsync(string id, CancellationToken cancellationToken) =>
        (await rollouts.GetAsync(id, cancellationToken))?.Value ?? throw NotFound(id);

    public async Task<Rollout> PauseAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var stored = await ChangeAsync(id, r => r.Status switch
        {
            RolloutStatuses.Running => r with { Status = RolloutStatuses.Paused, Reason = reason ?? "Paused by an administrator.", PausedBy = RolloutPausers.Admin },
            RolloutStatuses.Paused => r,
            _ => throw Finished(r, "paused"),
        }, cancellationToken);
        LogChanged(logger, id, stored.Status);
        return stored;
    }

    public async Task<Rollout> CancelAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var stored = await ChangeAsync(id, r => r.Status switch
        {
            RolloutStatuses.Running or RolloutStatuses.Paused => r with
            {
                Status = RolloutStatuses.Cancelled,
                Reason = reason ?? r.Reason ?? "Cancelled by an administrator.",
                PausedBy = reason is null && r.PausedBy is not null ? r.PausedBy : RolloutPausers.Admin,
            },
            RolloutStatuses.Cancelled => r,
            _ => throw Finished(r, "cancelled"),
        }, cancellationToken);
        LogChanged(logger, id, stored.Status);
        return stored;
    }

    public async Task<Rollout> ResumeAsync(string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        var runnerAlive = current.Runner is { } runner && await AutoUpdater.IsRunningAsync(client, runner, cancellationToken);
        var runnerId = ClaimRunnersActivity.RunnerIdFor(id, $"resume-{time.GetUtcNow():yyyyMMddHHmmss}-{Ids.NewInstallId()[..6]}");
        var stored = await ChangeAsync(id, r => r.Status switch
        {
            RolloutStatuses.Running or RolloutStatuses.Paused when r.Runner is not null && runnerAlive && r.Runner == current.Runner =>
                r.Status == RolloutStatuses.Running ? r : r with { Status = RolloutStatuses.Running },
            RolloutStatuses.Running or RolloutStatuses.Paused => r with { Status = RolloutStatuses.Running, Runner = runnerId },
            _ => throw Finished(r, "resumed"),
        }, cancellationToken);

        if (stored.Runner == runnerId)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(RolloutTaskNames.Rollout, new RolloutRunInput(id, runnerId),
                new StartOrchestrationOptions { InstanceId = runnerId }, cancellationToken);
        }

        LogChanged(logger, id, stored.Status);
        return stored;
    }

    private async Task<Rollout> ChangeAsync(string id, Func<Rollout, Rollout> change, CancellationToken cancellationToken)
    {
        _ = await GetAsync(id, cancellationToken);
        return (await rollouts.ChangeAsync(id, change, cancellationToken)).Value;
    }

    private static Refusal NotFound(string id) => new(ErrorCodes.RolloutNotFound, null, $"The rollout '{id}' was not found (GET /rollouts lists them).");

    private static Refusal Finished(Rollout rollout, string verb) =>
        new(ErrorCodes.RolloutFinished, null, $"The rollout {rollout.Id} is {rollout.Status}: it cannot be {verb}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} is now {Status} (administrator)")]
    private static partial void LogChanged(ILogger logger, string rolloutId, string status);
}
