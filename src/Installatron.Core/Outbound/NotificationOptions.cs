using System.Globalization;

namespace Installatron.Core.Outbound;

/// <summary>
/// The notification settings, in the same <c>Installatron</c> section as <see cref="InstallatronOptions"/>
/// (environment: <c>Installatron__SmtpHost</c>, …). No SMTP host = email notifications are skipped (and logged).
/// </summary>
public sealed class NotificationOptions
{
    public const string DefaultRetryDelays = "00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00";

    /// <summary>SMTP server for email notifications; empty turns email off.</summary>
    public string SmtpHost { get; set; } = "";

    public int SmtpPort { get; set; } = 587;

    /// <summary><c>starttls</c> (default: required), <c>tls</c> (TLS from the first byte, port 465), <c>auto</c>, or <c>none</c>.</summary>
    public string SmtpTls { get; set; } = SmtpTlsModes.StartTls;

    /// <summary>SMTP login; empty = no authentication.</summary>
    public string SmtpLogin { get; set; } = "";

    /// <summary>A secret: a Key Vault reference in Azure; never logged, never in a message or a response.</summary>
    public string SmtpPassword { get; set; } = "";

    /// <summary>The From address (<c>Installatron &lt;updates@example.com&gt;</c>); default <c>installatron@{SmtpHost}</c>.</summary>
    public string SmtpFrom { get; set; } = "";

    /// <summary>A failing delivery is retried until this long after its first attempt (at least 24 hours in production).</summary>
    public TimeSpan NotificationRetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delays between attempts, comma separated; the last one repeats until <see cref="NotificationRetryFor"/> has passed.</summary>
    public string NotificationRetryDelays { get; set; } = DefaultRetryDelays;

    /// <summary>Allows webhook URLs on loopback, private, link-local and other non-public addresses (tests, private networks).</summary>
    public bool WebhookAllowPrivateNetworks { get; set; }

    /// <summary>Allows <c>http://</c> webhook URLs (tests); otherwise only <c>https://</c>.</summary>
    public bool WebhookAllowHttp { get; set; }

    public bool EmailEnabled => SmtpHost.Trim().Length > 0;

    public string FromAddress => SmtpFrom.Trim().Length > 0 ? SmtpFrom.Trim() : $"installatron@{SmtpHost.Trim()}";

    /// <summary>The parsed delays; <c>null</c> when the setting is not a list of positive durations.</summary>
    public IReadOnlyList<TimeSpan>? ParseRetryDelays()
    {
        var delays = new List<TimeSpan>();
        foreach (var part in NotificationRetryDelays.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var delay) || delay <= TimeSpan.Zero)
            {
                return null;
            }

            delays.Add(delay);
        }

        return delays.Count > 0 ? delays : null;
    }
}

public static class SmtpTlsModes
{
    public const string StartTls = "starttls";
    public const string Tls = "tls";
    public const string Auto = "auto";
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [StartTls, Tls, Auto, None];
}
