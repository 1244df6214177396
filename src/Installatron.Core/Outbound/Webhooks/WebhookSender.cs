using System.Net;
using System.Net.Sockets;
using System.Text;
using Installatron.Core.Text;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Outbound.Webhooks;

/// <summary>
/// Posts a webhook: the stored body, signed for this attempt (Standard Webhooks headers, the outbox ID as
/// <c>webhook-id</c> on every attempt so receivers can drop repeats). Success is a 2xx answer; redirects are not
/// followed; only the first <see cref="ExcerptChars"/> characters of an answer are kept.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "webhooks";
    public const int ExcerptChars = 200;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<SendResult> SendAsync(WebhookEndpoint endpoint, OutboxEntry entry, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var body = entry.Body ?? "";
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, entry.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Secret, entry.Id, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var excerpt = await ExcerptAsync(response, timeout.Token);
            return status switch
            {
                >= 200 and < 300 => new SendResult(true, status, "", excerpt),
                >= 300 and < 400 => new SendResult(false, status, $"The receiver answered {status}, a redirect, which is not followed.", excerpt),
                _ => new SendResult(false, status, $"The receiver answered {status}.", excerpt),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Failed($"No answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            return SendResult.Failed(e.InnerException is WebhookAddressRefused refused
                ? $"Refused: {refused.Message}."
                : $"The request failed: {e.Message}");
        }
    }

    /// <summary>
    /// The connection step of the webhook client: resolves the host, refuses it if any address is not allowed, and
    /// connects to the checked addresses only, so what was checked is what is reached.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, NotificationOptions options, CancellationToken cancellationToken)
    {
        var addresses = await WebhookAddressPolicy.ResolveAsync(context.DnsEndPoint.Host, options, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static SocketsHttpHandler CreateHandler(IOptionsMonitor<NotificationOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false, // a proxy would reach the address instead of us, past the check
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context, options.CurrentValue, ct),
    };

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ExcerptChars * 4];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }

        return Excerpt(Encoding.UTF8.GetString(buffer, 0, read));
    }

    /// <summary>At most <see cref="ExcerptChars"/> characters, control characters replaced, well-formed for JSON.</summary>
    public static string Excerpt(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? ' ' : c).ToArray());
        return UnsafeText.WellFormed(clean.Length > ExcerptChars ? clean[..ExcerptChars] : clean);
    }
}
