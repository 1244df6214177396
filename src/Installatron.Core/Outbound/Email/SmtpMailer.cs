using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Installatron.Core.Outbound.Email;

/// <summary>
/// Sends a composed mail over SMTP (MailKit) with the configured host, port, TLS mode and login. The outbox ID becomes
/// the Message-ID, so a mail sent again after a crash can be recognised as the same one.
/// </summary>
public sealed class SmtpMailer(IOptionsMonitor<NotificationOptions> options)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public bool IsConfigured => options.CurrentValue.EmailEnabled;

    public async Task<SendResult> SendAsync(string messageId, MailContent mail, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            var message = new MimeMessage { Subject = mail.Subject, MessageId = $"{messageId}@installatron" };
            message.From.Add(MailboxAddress.Parse(settings.FromAddress));
            message.To.Add(MailboxAddress.Parse(mail.To));
            message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();
            await client.ConnectAsync(settings.SmtpHost.Trim(), settings.SmtpPort, TlsOption(settings.SmtpTls), cancellationToken);
            if (settings.SmtpLogin.Length > 0)
            {
                await client.AuthenticateAsync(settings.SmtpLogin, settings.SmtpPassword, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return new SendResult(true, null, "", "");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A bad From setting, a refused login, a server that is down: a failed attempt, retried, never a crash.
            var status = e is SmtpCommandException command ? (int)command.StatusCode : (int?)null;
            return new SendResult(false, status, Scrub($"The mail server refused or failed: {e.Message}", settings.SmtpPassword), "");
        }
    }

    public static bool IsValidAddress(string address) =>
        MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@') && address.Trim().Length <= 254;

    private static SecureSocketOptions TlsOption(string mode) => mode.Trim().ToLowerInvariant() switch
    {
        SmtpTlsModes.None => SecureSocketOptions.None,
        SmtpTlsModes.Tls => SecureSocketOptions.SslOnConnect,
        SmtpTlsModes.Auto => SecureSocketOptions.Auto,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>Defence in depth: a server that echoes what it was sent never puts the password into the outbox.</summary>
    private static string Scrub(string text, string secret) =>
        secret.Length >= 4 ? text.Replace(secret, "[secret]", StringComparison.Ordinal) : text;
}
