using Installatron.Core.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Outbound.Workflow;

/// <summary>
/// After finalize: writes what the finished task raises into the outbox and starts the deliveries. Idempotent (rows and
/// deliveries are keyed by task, event and destination). Takes the Durable client to start the deliveries; the Functions
/// app passes its <c>[DurableClient]</c>, the standalone server and tests their registered client.
/// </summary>
[DurableTask(NotificationTaskNames.Notify)]
public sealed class NotifyActivity(NotificationPlanner planner, NotificationOutbox outbox, DurableTaskClient client) : TaskActivity<UpdateInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, UpdateInput input) =>
        await outbox.EnqueueAsync(await planner.ForTaskAsync(input.TaskId, CancellationToken.None), client, CancellationToken.None);
}
