using System.Security.Cryptography;
using System.Text;

namespace Installatron.Core.Outbound;

/// <summary>
/// One notification to one destination, written before anything is sent and marked after: the outbox. Its ID is
/// derived from (source, event, destination), so a replay or a second sweep finds the row it wrote before instead of
/// adding another; the same ID is the webhook's <c>webhook-id</c> on every attempt and the mail's Message-ID.
/// </summary>
public sealed record OutboxEntry
{
    public required string Id { get; init; }

    /// <summary><see cref="OutboxChannels.Email"/> or <see cref="OutboxChannels.Webhook"/>.</summary>
    public required string Channel { get; init; }

    public required string Event { get; init; }

    /// <summary>The email address, or the webhook endpoint's ID.</summary>
    public required string Destination { get; init; }

    public string TaskId { get; init; } = "";

    public string InstallId { get; init; } = "";

    public string Status { get; init; } = OutboxStatuses.Pending;

    public int Attempts { get; init; }

    public long TimeCreated { get; init; }

    public long TimeFirstAttempt { get; init; }

    public long TimeLastAttempt { get; init; }

    public long TimeSent { get; init; }

    public string LastError { get; init; } = "";

    public int? LastStatusCode { get; init; }

    /// <summary>The first characters of the receiver's last answer, never more.</summary>
    public string ResponseExcerpt { get; init; } = "";

    /// <summary>Email: what is sent, composed once so every attempt sends the same.</summary>
    public MailContent? Mail { get; init; }

    /// <summary>Webhook: the exact JSON body, the same bytes on every attempt.</summary>
    public string? Body { get; init; }

    public bool IsFinished => Status != OutboxStatuses.Pending;

    /// <summary><c>msg_</c> + 32 hex digits of SHA-256 over the row's identity.</summary>
    public static string IdFor(string source, string @event, string destination) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{@event}\n{destination.ToLowerInvariant()}")))[..32];
}

/// <summary>What an email says: plain text and HTML, with a subject, to one address.</summary>
public sealed record MailContent(string To, string Subject, string Text, string Html);

public static class OutboxChannels
{
    public const string Email = "email";
    public const string Webhook = "webhook";
}

public static class OutboxStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";

    /// <summary>Retried for the whole retry window without success.</summary>
    public const string Failed = "failed";

    /// <summary>Not sent on purpose: no SMTP settings, no address, or the endpoint was disabled or deleted.</summary>
    public const string Skipped = "skipped";
}
