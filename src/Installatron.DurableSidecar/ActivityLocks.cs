using System.Collections.Concurrent;
using DurableTask.Core;

namespace Installatron.DurableSidecar;

/// <summary>
/// Keeps running activities' queue messages invisible. The sidecar never renews the locks it takes (the Durable Task
/// Framework's own dispatcher does), so without this an activity running longer than the lock timeout would be
/// delivered a second time while it still runs.
/// </summary>
internal sealed class ActivityLocks(IOrchestrationService service, TimeSpan renewInterval, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Renewal> _renewals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public void StartRenewing(TaskActivityWorkItem workItem)
    {
        var renewal = new Renewal(CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        renewal.Loop = RenewUntilCancelledAsync(workItem, renewal.Cancellation.Token);
        if (_renewals.TryRemove(workItem.Id, out var previous))
        {
            previous.Cancellation.Cancel();
        }

        _renewals[workItem.Id] = renewal;
    }

    /// <summary>Ends the renewals of <paramref name="workItem"/> and waits for a renewal in flight, so it cannot race the completion.</summary>
    public async Task StopRenewingAsync(TaskActivityWorkItem workItem)
    {
        if (_renewals.TryRemove(workItem.Id, out var renewal))
        {
            await renewal.Cancellation.CancelAsync();
            await renewal.Loop!;
            renewal.Cancellation.Dispose();
        }
    }

    /// <summary>Stops every renewal: after a shutdown, unfinished activities are delivered again once their locks expire.</summary>
    public void StopRenewing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RenewUntilCancelledAsync(TaskActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (true)
        {
            try
            {
                await Task.Delay(renewInterval, time, cancellationToken);
                await service.RenewTaskActivityWorkItemLockAsync(workItem);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DurableLog.ActivityLockRenewalFailed(logger, workItem.Id, e);
            }
        }
    }

    private sealed class Renewal(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task? Loop { get; set; }
    }
}
