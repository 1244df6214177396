namespace Installatron.DurableSidecar;

/// <summary>Completes when the first worker has connected to the sidecar, i.e. orchestrations and activities can run.</summary>
public sealed class SidecarReadiness
{
    private readonly TaskCompletionSource _workerConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WhenWorkerConnected => _workerConnected.Task;

    internal void WorkerConnected() => _workerConnected.TrySetResult();
}
