using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Installatron.DurableSidecar;

public static class DurableRuntime
{
    /// <summary>
    /// The Durable Task runtime, hosted by the application itself: the embedded sidecar over Azure Storage (the task hub
    /// and storage account of <paramref name="settings"/>), a worker running the orchestrations and activities
    /// <paramref name="registerTasks"/> adds, and an injectable <see cref="DurableTaskClient"/>. Call it once, before
    /// other hosted services that schedule orchestrations: the sidecar starts before the worker and stops after it.
    /// </summary>
    public static IServiceCollection AddDurableSidecarRuntime(
        this IServiceCollection services, DurableRuntimeSettings settings, Action<DurableTaskRegistry> registerTasks)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(registerTasks);
        var connection = new SidecarConnection();

        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => connection); // Created by a factory so that the container disposes it.
        services.AddSingleton<SidecarReadiness>();
        services.AddSingleton<DurableSidecar>();
        services.AddHostedService(provider =>
        {
            provider.GetRequiredService<SidecarConnection>();
            return provider.GetRequiredService<DurableSidecar>();
        });

        services.AddDurableTaskWorker(worker => worker.AddTasks(registerTasks).UseGrpc(connection.Channel));
        services.AddDurableTaskClient(client => client.UseGrpc(connection.Channel));
        services.AddLogging(logging => logging
            .AddFilter("DurableTask", LogLevel.Warning)
            .AddFilter("Microsoft.DurableTask", LogLevel.Warning));
        return services;
    }
}
