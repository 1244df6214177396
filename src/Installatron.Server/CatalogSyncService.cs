using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Installatron.Server;

/// <summary>The catalog sync on the standalone server: every <see cref="ServerOptions.CatalogSyncMinutes"/> (default 720; 0 = off); what it adds is announced.</summary>
public sealed partial class CatalogSyncService(
    CatalogSync sync, UpdateAnnouncer announcer, DurableTaskClient client, IOptions<ServerOptions> options, ILogger<CatalogSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.CatalogSyncMinutes;
        if (minutes <= 0 || !sync.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await announcer.AfterCatalogSyncAsync(await sync.RunOnceAsync(stoppingToken), client, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e, (e as Refusal)?.Errcode ?? ErrorCodes.InternalError);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog sync failed ({Errcode})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string errcode);
}
