using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow.Rollouts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow;

/// <summary>The sweep started now, or (<see cref="Started"/> false) the one still running.</summary>
public sealed record SweepStart(string SweepId, bool Started);

/// <summary>
/// Installatron's automatic updates: every install whose <c>autoup</c> allows it (<c>all</c>: the newest version it can
/// be updated to; <c>minor</c>: the newest of its branch) is updated in the background, with a backup and revert when its
/// <c>autoup_backup</c> is <c>all</c>. After <see cref="MaxFailedAttempts"/> failed automatic updates
/// (<c>version_autouped_attempts</c>) an install is left alone until a successful update resets the count. The work is
/// the sweep orchestration (<see cref="SweepOrchestrator"/>): installs paged, grouped by target, each group a rollout in
/// waves; this starts it, one at a time (a lock row, never the instance ID: a sweep that ended or died frees it).
/// </summary>
public sealed partial class AutoUpdater(RolloutStore rollouts, TimeProvider time, ILogger<AutoUpdater> logger)
{
    public const int MaxFailedAttempts = 3;

    /// <summary>The version a sweep updates the (presented) install to, or <c>null</c>.</summary>
    public static string? AutomaticTarget(Install install) => install.VersionAutoupedAttempts >= MaxFailedAttempts ? null : install.Autoup switch
    {
        "all" => install.VersionAvailable,
        "minor" => install.VersionAvailableMinor,
        _ => null,
    };

    public async Task<SweepStart> RunOnceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var sweepId = $"sweep-{time.GetUtcNow():yyyyMMddHHmmss}-{Ids.NewInstallId()[..8]}";
        if (await rollouts.TryLockSweepAsync(sweepId, holder => IsRunningAsync(client, holder, cancellationToken), cancellationToken) is { } running)
        {
            LogStillRunning(logger, running);
            return new SweepStart(running, Started: false);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(RolloutTaskNames.Sweep, new SweepInput(sweepId),
                new StartOrchestrationOptions { InstanceId = sweepId }, cancellationToken);
        }
        catch
        {
            await rollouts.UnlockSweepAsync(sweepId, CancellationToken.None);
            throw;
        }

        LogStarted(logger, sweepId);
        return new SweepStart(sweepId, Started: true);
    }

    /// <summary>Whether an orchestration instance is still alive (pending, running or suspended).</summary>
    public static async Task<bool> IsRunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        return instance?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Automatic updates: sweep {SweepId} started")]
    private static partial void LogStarted(ILogger logger, string sweepId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Automatic updates: sweep {SweepId} is still running; no new sweep")]
    private static partial void LogStillRunning(ILogger logger, string sweepId);
}
