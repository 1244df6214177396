namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// Renews a running step's lease every <c>interval</c> until disposed; when a renewal finds the lease taken by another
/// update, <see cref="Token"/> is cancelled so the step stops its I/O. A renewal that fails for another reason (storage
/// briefly unreachable) is tried again at the next interval: the lease lasts several intervals.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseKeeper(Func<CancellationToken, Task<bool>> renew, TimeSpan interval, TimeProvider time)
    {
        _loop = KeepAsync(renew, interval, time);
    }

    /// <summary>Cancelled when the lease was lost.</summary>
    public CancellationToken Token => _lost.Token;

    public bool Lost => _lost.IsCancellationRequested;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task KeepAsync(Func<CancellationToken, Task<bool>> renew, TimeSpan interval, TimeProvider time)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, _stop.Token);
                if (!await renew(_stop.Token))
                {
                    await _lost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not reachable now; the lease outlives a few missed renewals.
            }
        }
    }
}
