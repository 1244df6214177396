using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Outbound;

/// <summary>
/// What the hosts run every few hours: the automatic-update sweep is started (<see cref="AutoUpdater"/>: an
/// orchestration planning rollouts, unless one still runs), then the newly available versions the automatic updater
/// does not install are announced (<see cref="UpdateAnnouncer"/>).
/// </summary>
public sealed class AutoUpdateSweep(AutoUpdater updater, UpdateAnnouncer announcer)
{
    public async Task<SweepStart> RunOnceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var sweep = await updater.RunOnceAsync(client, cancellationToken);
        await announcer.AnnounceAsync(client, cancellationToken);
        return sweep;
    }
}
