using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Installatron.DurableSidecar;

/// <summary>
/// The embedded Durable Task sidecar: the SDK's gRPC task hub service on its own loopback HTTP/2 (h2c) Kestrel, over
/// the Azure Storage backend Durable Functions uses. A hosted service of the server, registered before the worker, so
/// it starts first and stops last.
/// </summary>
internal sealed class DurableSidecar(
    DurableRuntimeSettings settings,
    SidecarConnection connection,
    SidecarReadiness readiness,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = loggerFactory.CreateLogger<DurableSidecar>();
    private WebApplication? _app;
    private SidecarCompatibleOrchestrationService? _service;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var backend = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(settings.StorageConnectionString),
            TaskHubName = settings.TaskHub,
            PartitionCount = 4,
            MaxQueuePollingInterval = settings.QueuePollingMax,
            ControlQueueVisibilityTimeout = settings.LockTimeout,
            WorkItemQueueVisibilityTimeout = settings.LockTimeout,
            LoggerFactory = loggerFactory,
        });
        _service = new SidecarCompatibleOrchestrationService(
            backend, settings.LockTimeout, time, loggerFactory.CreateLogger<SidecarCompatibleOrchestrationService>());
        await _service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IHostLifetime, OwnedByServerLifetime>();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory))
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton<IOrchestrationService>(_service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(_service);
        builder.Services.AddSingleton(readiness);
        builder.Services.AddSingleton<SidecarGrpcServer>();
        _app = builder.Build();
        _app.MapGrpcService<SidecarGrpcServer>();

        // Created now so that it sees the sidecar host's ApplicationStarted, which starts its dispatchers.
        _app.Services.GetRequiredService<SidecarGrpcServer>();
        await _app.StartAsync(cancellationToken);

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        connection.Port = new Uri(address).Port;
        DurableLog.SidecarStarted(_logger, settings.TaskHub, connection.Port, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null || _service is null)
        {
            return;
        }

        // Stopping the sidecar host stops its dispatchers, which then stop the backend; stopping the backend here too
        // waits for that (partition leases released) before Azurite may go away.
        var stopping = time.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(StopBudget);
        try
        {
            await _app.StopAsync(budget.Token);
            await _service.StopAsync().WaitAsync(budget.Token);
            DurableLog.SidecarStopped(_logger, settings.TaskHub, (long)time.GetElapsedTime(stopping).TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            DurableLog.BackendStopTimedOut(_logger);
        }
    }

    /// <summary>Called twice by the container (as itself and as a hosted service); the second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }

        _service?.Dispose();
        _service = null;
    }

    /// <summary>Started and stopped by the server only: unlike the default console lifetime, Ctrl+C and SIGTERM are not its business.</summary>
    private sealed class OwnedByServerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
