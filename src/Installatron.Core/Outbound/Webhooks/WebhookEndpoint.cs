namespace Installatron.Core.Outbound.Webhooks;

/// <summary>
/// A registered webhook receiver: where to send (<c>url</c>), which events, optionally only for the installs one
/// account may act for (<c>user</c>), and whom to tell when it is disabled (<c>email</c>, else that account's address).
/// <see cref="Secret"/> signs every delivery; it is shown once, when created or rotated, never again.
/// </summary>
public sealed record WebhookEndpoint
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public IReadOnlyList<string> Events { get; init; } = NotificationEvents.All;
    public string User { get; init; } = "";
    public string Email { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Enabled { get; init; } = true;

    /// <summary>Why the service disabled it (a delivery failed for the whole retry window); empty while enabled.</summary>
    public string DisabledReason { get; init; } = "";
    public long TimeDisabled { get; init; }
    public long TimeCreated { get; init; }
    public long TimeUpdated { get; init; }
    public required string Secret { get; init; }

    public bool Wants(string @event) => Enabled && Events.Contains(@event);

    /// <summary>A record prints every property; this one never prints its secret, wherever it may be logged.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Id = {Id}, Url = {Url}, Enabled = {Enabled}");
        return true;
    }

    /// <summary>What the API shows: everything but the secret, which only creation and rotation reveal.</summary>
    public WebhookEndpointView View(bool revealSecret = false) =>
        new(Id, Url, Events, User, Email, Description, Enabled, DisabledReason, TimeDisabled, TimeCreated, TimeUpdated,
            revealSecret ? Secret : null);
}

/// <summary>An endpoint as the API answers it; <c>secret</c> is null except right after creation or rotation.</summary>
public sealed record WebhookEndpointView(
    string Id, string Url, IReadOnlyList<string> Events, string User, string Email, string Description, bool Enabled,
    string DisabledReason, long TimeDisabled, long TimeCreated, long TimeUpdated, string? Secret);

/// <summary>One delivery in an endpoint's log: <c>GET /webhooks/{id}/deliveries</c>.</summary>
public sealed record WebhookDeliveryView(
    string Id, string Event, string TaskId, string InstallId, string Status, int Attempts, int? LastStatusCode,
    string LastError, string ResponseExcerpt, long TimeCreated, long TimeFirstAttempt, long TimeLastAttempt, long TimeSent)
{
    public static WebhookDeliveryView From(OutboxEntry entry) => new(
        entry.Id, entry.Event, entry.TaskId, entry.InstallId, entry.Status, entry.Attempts, entry.LastStatusCode, entry.LastError,
        entry.ResponseExcerpt, entry.TimeCreated, entry.TimeFirstAttempt, entry.TimeLastAttempt, entry.TimeSent);
}
