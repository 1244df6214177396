using System.Diagnostics;

namespace Installatron.Server.Azurite;

/// <summary>
/// Stops the server's own Azurite when the server stops. Registered before the Durable runtime, so it stops after it:
/// the backend has released its partition leases and written its last checkpoint by then.
/// </summary>
internal sealed partial class AzuriteLifetime(AzuriteProcess azurite, ILogger<AzuriteLifetime> logger) : IHostedService, IAsyncDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = Stopwatch.StartNew();
        await azurite.DisposeAsync();
        LogStopped(logger, azurite.Pid, stopping.ElapsedMilliseconds);
    }

    /// <summary>Also when the server was built but never started or stopped (a failed start).</summary>
    public ValueTask DisposeAsync() => azurite.DisposeAsync();

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Azurite (pid {Pid}) stopped by the server ({ElapsedMs} ms)")]
    private static partial void LogStopped(ILogger logger, int pid, long elapsedMs);
}
