using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Installatron.Server.Durable;

public static class DurableRuntime
{
    /// <summary>
    /// The Durable Task runtime, hosted by the server itself: the embedded sidecar over Azure Storage (task hub
    /// <c>Installatron:TaskHub</c> in <c>AzureWebJobsStorage</c>), a worker running the orchestrations and activities
    /// <paramref name="registerTasks"/> adds, and an injectable <see cref="DurableTaskClient"/>. Call it once, before
    /// other hosted services that schedule orchestrations: the sidecar starts before the worker and stops after it.
    /// </summary>
    public static IServiceCollection AddInstallatronDurableRuntime(
        this IServiceCollection services, IConfiguration configuration, Action<DurableTaskRegistry> registerTasks)
    {
        ArgumentNullException.ThrowIfNull(registerTasks);
        var connection = new SidecarConnection();

        services.AddSingleton(DurableRuntimeSettings.From(configuration));
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
