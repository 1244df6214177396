using Installatron.Core.Outbound;
using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Installatron.Server;

/// <summary>Installatron's automatic updates on the standalone server: a sweep started every <see cref="ServerOptions.AutoUpdateMinutes"/>, unless one still runs (on this or another server), then the announcement of newly available versions.</summary>
public sealed partial class AutoUpdateService(AutoUpdateSweep updater, DurableTaskClient client, IOptions<ServerOptions> options, ILogger<AutoUpdateService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.AutoUpdateMinutes;
        if (minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await updater.RunOnceAsync(client, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Automatic update sweep failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
