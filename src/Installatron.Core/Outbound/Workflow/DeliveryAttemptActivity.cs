using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Outbound.Workflow;

/// <summary>One attempt at one outbox row (<see cref="NotificationDelivery"/>).</summary>
[DurableTask(NotificationTaskNames.Attempt)]
public sealed class DeliveryAttemptActivity(NotificationDelivery delivery, DurableTaskClient client) : TaskActivity<string, DeliveryAttempt>
{
    public override Task<DeliveryAttempt> RunAsync(TaskActivityContext context, string deliveryId) =>
        delivery.AttemptAsync(deliveryId, client, CancellationToken.None);
}
