using Installatron.Core;
using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;

namespace Installatron.Server;

/// <summary>The catalog sync on the standalone server: every <c>Installatron:CatalogSyncMinutes</c> (default 720; 0 = off).</summary>
public sealed partial class CatalogSyncService(CatalogSync sync, IConfiguration configuration, ILogger<CatalogSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue($"{InstallatronOptions.Section}:CatalogSyncMinutes", 720);
        if (minutes <= 0 || !sync.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sync.RunOnceAsync(stoppingToken);
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
