using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Outbound;

/// <summary>
/// What the hosts run every few hours: the automatic-update sweep (<see cref="AutoUpdater"/>), then the announcement of
/// the newly available versions it did not start updates to (<see cref="UpdateAnnouncer"/>).
/// </summary>
public sealed class AutoUpdateSweep(AutoUpdater updater, UpdateAnnouncer announcer)
{
    public async Task<AutoUpdateRun> RunOnceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var run = await updater.RunOnceAsync(client, cancellationToken);
        await announcer.AnnounceAsync(client, run.Started.ToHashSet(StringComparer.Ordinal), cancellationToken);
        return run;
    }
}
