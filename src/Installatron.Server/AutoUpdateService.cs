using Installatron.Core;
using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;

namespace Installatron.Server;

/// <summary>Installatron's automatic updates on the standalone server: a sweep every <c>Installatron:AutoUpdateMinutes</c>.</summary>
public sealed partial class AutoUpdateService(AutoUpdater updater, DurableTaskClient client, IConfiguration configuration, ILogger<AutoUpdateService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue($"{InstallatronOptions.Section}:AutoUpdateMinutes", 360);
        if (minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var run = await updater.RunOnceAsync(client, stoppingToken);
                LogSweep(logger, run.Checked, run.Started.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Automatic updates: {Checked} installs checked, {Started} updates started")]
    private static partial void LogSweep(ILogger logger, int @checked, int started);

    [LoggerMessage(Level = LogLevel.Error, Message = "Automatic update sweep failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
