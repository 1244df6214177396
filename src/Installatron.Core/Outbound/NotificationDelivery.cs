using Installatron.Core.Outbound.Email;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Core.Outbound.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Outbound;

/// <summary>
/// One attempt at one outbox row: nothing if the row is finished (a replay, a second orchestration); else send it, then
/// record the outcome on the row. Sent → done. Failed → the next attempt's time, or, once the retry window has passed,
/// the row is <c>failed</c> and its webhook endpoint disabled, its contact told by email. A crash between sending and
/// recording sends again with the same ID (<c>webhook-id</c>, Message-ID), which receivers use to drop the repeat.
/// </summary>
public sealed partial class NotificationDelivery(
    OutboxStore outbox, WebhookEndpointStore endpoints, WebhookSender webhooks, SmtpMailer mailer, NotificationPlanner planner,
    NotificationOutbox queue, IOptionsMonitor<NotificationOptions> options, TimeProvider time, ILogger<NotificationDelivery> logger)
{
    public async Task<DeliveryAttempt> AttemptAsync(string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var stored = await outbox.GetAsync(id, cancellationToken);
        if (stored is null || stored.Value.IsFinished)
        {
            return new DeliveryAttempt(stored?.Value.Status ?? OutboxStatuses.Skipped, null);
        }

        var entry = stored.Value;
        var endpoint = entry.Channel == OutboxChannels.Webhook ? (await endpoints.GetAsync(entry.Destination, cancellationToken))?.Value : null;
        var skip = entry.Channel == OutboxChannels.Webhook
            ? endpoint is null ? "The webhook endpoint was deleted." : !endpoint.Enabled ? "The webhook endpoint is disabled." : null
            : !mailer.IsConfigured ? "No SMTP server is configured (Installatron__SmtpHost)." : null;
        if (skip is not null)
        {
            await outbox.ReplaceAsync(entry with { Status = OutboxStatuses.Skipped, LastError = skip }, stored.ETag, cancellationToken);
            LogOutcome(logger, id, entry.Channel, entry.Event, entry.Attempts, OutboxStatuses.Skipped, skip);
            return new DeliveryAttempt(OutboxStatuses.Skipped, null);
        }

        var result = endpoint is not null
            ? await webhooks.SendAsync(endpoint, entry, cancellationToken)
            : await mailer.SendAsync(entry.Id, entry.Mail!, cancellationToken);
        var now = time.GetUtcNow();
        var first = entry.TimeFirstAttempt > 0 ? DateTimeOffset.FromUnixTimeSeconds(entry.TimeFirstAttempt) : now;
        var tried = entry with
        {
            Attempts = entry.Attempts + 1,
            TimeFirstAttempt = first.ToUnixTimeSeconds(),
            TimeLastAttempt = now.ToUnixTimeSeconds(),
            LastError = result.Error,
            LastStatusCode = result.StatusCode,
            ResponseExcerpt = result.ResponseExcerpt,
        };

        var schedule = RetrySchedule.From(options.CurrentValue);
        var next = result.Success ? null : schedule.Next(first, tried.Attempts, now);
        var status = result.Success ? OutboxStatuses.Sent : next is null ? OutboxStatuses.Failed : OutboxStatuses.Pending;
        if (status == OutboxStatuses.Failed && endpoint is not null)
        {
            await DisableAsync(endpoint.Id, tried, schedule.RetryFor, client, cancellationToken);
        }

        await outbox.ReplaceAsync(tried with { Status = status, TimeSent = result.Success ? now.ToUnixTimeSeconds() : 0 }, stored.ETag, cancellationToken);
        LogOutcome(logger, id, entry.Channel, entry.Event, tried.Attempts, status, result.Error);
        return new DeliveryAttempt(status, next?.UtcDateTime);
    }

    /// <summary>Disables the endpoint (once) and tells its contact; deliveries still pending for it are skipped from now on.</summary>
    private async Task DisableAsync(string endpointId, OutboxEntry failed, TimeSpan retriedFor, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var stored = await endpoints.GetAsync(endpointId, cancellationToken);
        if (stored is null || !stored.Value.Enabled)
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var disabled = stored.Value with
        {
            Enabled = false,
            DisabledReason = $"Delivery {failed.Id} ({failed.Event}) failed for the whole retry window: {failed.LastError}",
            TimeDisabled = now,
            TimeUpdated = now,
        };
        // The mail first: a crash after disabling would otherwise never tell anyone (the outbox keeps it once).
        await queue.EnqueueAsync([await planner.ForDisabledEndpointAsync(disabled, failed, retriedFor, cancellationToken)], client, cancellationToken);
        await endpoints.ReplaceAsync(disabled, stored.ETag, cancellationToken);
        LogDisabled(logger, endpointId, failed.Id, failed.Attempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} ({Channel}, {Event}) attempt {Attempt}: {Status} {Error}")]
    private static partial void LogOutcome(ILogger logger, string id, string channel, string @event, int attempt, string status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled: delivery {Id} failed for the whole retry window ({Attempts} attempts)")]
    private static partial void LogDisabled(ILogger logger, string endpointId, string id, int attempts);
}
