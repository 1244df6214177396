using Installatron.Core.Domain;
using Installatron.Core.Outbound.Email;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;

namespace Installatron.Core.Outbound;

/// <summary>
/// Decides who is told what: an email to the install's <c>email</c> (else its owner's) when the install's
/// <c>notification</c> list has the event, and a webhook to every enabled endpoint that wants the event and whose
/// <c>user</c> (if any) may act for the install's owner. Composes each message once, into its outbox entry.
/// </summary>
public sealed class NotificationPlanner(
    TaskStore tasks, InstallStore installs, UserStore users, InstallView view, WebhookEndpointStore endpoints, WebhookPayloads payloads, SmtpMailer mailer,
    TimeProvider time)
{
    /// <summary>What a finished update task raises; nothing for a task that is not finished or whose install is gone.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ForTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = (await tasks.GetAsync(taskId, cancellationToken))?.Value;
        var stored = task is { IsFinished: true } ? await installs.GetAsync(task.InstallId, cancellationToken) : null;
        if (task is null || stored is null)
        {
            return [];
        }

        var install = await view.PresentAsync(stored.Value, cancellationToken);
        var owner = (await users.GetAsync(install.User, cancellationToken))?.Value;
        var @event = NotificationEvents.ForTask(task);
        var entries = new List<OutboxEntry>();
        if (install.Notification.Contains(@event))
        {
            entries.Add(Email(task.Id, task.Id, @event, install, RecipientOf(install, owner), to => MailComposer.ForTask(to, @event, task, install)));
        }

        var body = payloads.ForTask(@event, task, install, Now);
        entries.AddRange(await WebhooksAsync(task.Id, task.Id, @event, install, owner, body, cancellationToken));
        return entries;
    }

    /// <summary>What a newly available version raises, for an install and its owner.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ForAvailableAsync(Install install, HostingUser owner, AvailableUpdate available, CancellationToken cancellationToken)
    {
        var source = $"available:{install.Id}:{available.Key}:{available.Version}";
        var entries = new List<OutboxEntry>();
        if (install.Notification.Contains(available.Event))
        {
            entries.Add(Email(source, "", available.Event, install, RecipientOf(install, owner), to => MailComposer.ForAvailable(to, install, available)));
        }

        entries.AddRange(await WebhooksAsync(source, "", available.Event, install, owner, payloads.ForAvailable(install, available, Now), cancellationToken));
        return entries;
    }

    /// <summary>The mail telling a webhook endpoint's contact that it was disabled.</summary>
    public async Task<OutboxEntry> ForDisabledEndpointAsync(WebhookEndpoint endpoint, OutboxEntry failed, TimeSpan retriedFor, CancellationToken cancellationToken)
    {
        var to = endpoint.Email.Length > 0 || endpoint.User.Length == 0
            ? endpoint.Email
            : (await users.GetAsync(endpoint.User, cancellationToken))?.Value.Email ?? "";
        return Email($"disabled:{endpoint.Id}:{failed.Id}", "", NotificationEvents.WebhookDisabled, null, to,
            address => MailComposer.ForDisabledEndpoint(address, endpoint, failed, retriedFor));
    }

    private OutboxEntry Email(string source, string taskId, string @event, Install? install, string to, Func<string, MailContent> compose)
    {
        var skipped = !mailer.IsConfigured ? "No SMTP server is configured (Installatron__SmtpHost)."
            : !SmtpMailer.IsValidAddress(to) ? $"No valid email address to send to ('{to}'): set the install's or its owner's email."
            : null;
        return new OutboxEntry
        {
            Id = OutboxEntry.IdFor(source, @event, OutboxChannels.Email + ":" + to),
            Channel = OutboxChannels.Email,
            Event = @event,
            Destination = to,
            TaskId = taskId,
            InstallId = install?.Id ?? "",
            Status = skipped is null ? OutboxStatuses.Pending : OutboxStatuses.Skipped,
            LastError = skipped ?? "",
            TimeCreated = Now,
            Mail = skipped is null ? compose(to) : null,
        };
    }

    private async Task<IReadOnlyList<OutboxEntry>> WebhooksAsync(
        string source, string taskId, string @event, Install install, HostingUser? owner, string body, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        foreach (var endpoint in await endpoints.ListAsync(cancellationToken))
        {
            if (endpoint.Wants(@event) && await InScopeAsync(endpoint, owner, cancellationToken))
            {
                entries.Add(new OutboxEntry
                {
                    Id = OutboxEntry.IdFor(source, @event, OutboxChannels.Webhook + ":" + endpoint.Id),
                    Channel = OutboxChannels.Webhook,
                    Event = @event,
                    Destination = endpoint.Id,
                    TaskId = taskId,
                    InstallId = install.Id,
                    TimeCreated = Now,
                    Body = body,
                });
            }
        }

        return entries;
    }

    /// <summary>An endpoint limited to one account gets the installs that account may act for (its own; a reseller's users'; all for an admin).</summary>
    private async Task<bool> InScopeAsync(WebhookEndpoint endpoint, HostingUser? owner, CancellationToken cancellationToken)
    {
        if (endpoint.User.Length == 0)
        {
            return true;
        }

        var scope = (await users.GetAsync(endpoint.User, cancellationToken))?.Value;
        return scope is not null && owner is not null && InstallAccess.MayActFor(scope, owner);
    }

    private static string RecipientOf(Install install, HostingUser? owner) =>
        install.Email.Trim().Length > 0 ? install.Email.Trim() : owner?.Email.Trim() ?? "";

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();
}
