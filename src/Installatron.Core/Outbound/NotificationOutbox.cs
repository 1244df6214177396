using Installatron.Core.Outbound.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Outbound;

/// <summary>
/// Writes outbox entries (each once: a row that exists is kept as it is) and starts one delivery orchestration per
/// pending row, named by the row's ID, unless it exists already. Running it twice changes nothing.
/// </summary>
public sealed partial class NotificationOutbox(OutboxStore store, ILogger<NotificationOutbox> logger)
{
    /// <returns>How many deliveries this call started.</returns>
    public async Task<int> EnqueueAsync(IEnumerable<OutboxEntry> entries, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var entry in entries)
        {
            var stored = (await store.AddIfMissingAsync(entry, cancellationToken)).Value;
            if (stored.Status == OutboxStatuses.Skipped)
            {
                LogSkipped(logger, stored.Id, stored.Channel, stored.Event, stored.LastError);
            }

            if (stored.IsFinished || await client.GetInstanceAsync(stored.Id, cancellationToken) is not null)
            {
                continue;
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(NotificationTaskNames.Deliver, stored.Id,
                    new StartOrchestrationOptions { InstanceId = stored.Id }, cancellationToken);
                started++;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Started by a concurrent call in between: one delivery, as wanted. Anything else is a real failure.
                if (await client.GetInstanceAsync(stored.Id, cancellationToken) is null)
                {
                    throw;
                }
            }
        }

        return started;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} ({Channel}, {Event}) skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string id, string channel, string @event, string reason);
}
