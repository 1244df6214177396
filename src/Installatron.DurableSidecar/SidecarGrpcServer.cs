using DurableTask.Core;
using Grpc.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Options;
using P = Microsoft.DurableTask.Protobuf;

namespace Installatron.DurableSidecar;

/// <summary>The Durable Task SDK's sidecar service, which also reports when a worker has connected to fetch work.</summary>
internal sealed class SidecarGrpcServer(
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory,
    IOrchestrationService service,
    IOrchestrationServiceClient client,
    IOptions<TaskHubGrpcServerOptions> options,
    SidecarReadiness readiness)
    : TaskHubGrpcServer(lifetime, loggerFactory, service, client, options)
{
    public override Task GetWorkItems(P.GetWorkItemsRequest request, IServerStreamWriter<P.WorkItem> responseStream, ServerCallContext context)
    {
        readiness.WorkerConnected();
        return base.GetWorkItems(request, responseStream, context);
    }
}
