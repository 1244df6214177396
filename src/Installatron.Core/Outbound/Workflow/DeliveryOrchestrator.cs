using Microsoft.DurableTask;

namespace Installatron.Core.Outbound.Workflow;

/// <summary>What an attempt came to: a final status, or when to try again.</summary>
public sealed record DeliveryAttempt(string Status, DateTime? RetryAt);

/// <summary>
/// Delivers one outbox row: an attempt, then — while it fails and the retry window lasts — a durable timer and the next
/// attempt. The attempt activity decides (from the row and the settings); this loop only waits, so it stays
/// deterministic. Independent of the update it reports on: nothing here can change the update's outcome.
/// </summary>
[DurableTask(NotificationTaskNames.Deliver)]
public sealed class DeliveryOrchestrator : TaskOrchestrator<string, string>
{
    /// <summary>Storage hiccups inside an attempt are retried; a failed delivery is not an activity failure.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string deliveryId)
    {
        while (true)
        {
            var attempt = await context.CallActivityAsync<DeliveryAttempt>(NotificationTaskNames.Attempt, deliveryId, Retry);
            if (attempt.RetryAt is not { } retryAt)
            {
                return attempt.Status;
            }

            await context.CreateTimer(DateTime.SpecifyKind(retryAt, DateTimeKind.Utc), CancellationToken.None);
        }
    }
}
