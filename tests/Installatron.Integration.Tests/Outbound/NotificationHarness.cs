using System.Text;
using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>The notification side of a <see cref="WorkflowHarness"/>: settings, webhook registration through the handler, the outbox.</summary>
public static class NotificationHarness
{
    /// <summary>Short retries (1 s apart, for <paramref name="retryFor"/>) and loopback http receivers allowed, plus the sink's SMTP settings.</summary>
    public static Dictionary<string, string?> Settings(SmtpSink? smtp = null, string retryFor = "00:01:00", string delays = "00:00:01")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Installatron:NotificationRetryFor"] = retryFor,
            ["Installatron:NotificationRetryDelays"] = delays,
            ["Installatron:WebhookAllowPrivateNetworks"] = "true",
            ["Installatron:WebhookAllowHttp"] = "true",
        };
        foreach (var (key, value) in smtp?.Settings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>POST /webhooks through the handler; the receiver learns the secret.</summary>
    public static async Task<WebhookEndpointView> RegisterAsync(this WorkflowHarness harness, WebhookReceiver receiver, object? fields = null)
    {
        var body = JsonSerializer.SerializeToElement(fields ?? new { }).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        body.TryAdd("url", receiver.Url);
        var result = await harness.Services.GetRequiredService<WebhooksApi>().CreateAsync(Request("POST", JsonSerializer.Serialize(body)), CancellationToken.None);
        Assert.True(result.Envelope.Result, result.ToString());
        var view = Assert.IsType<WebhookEndpointView>(result.Envelope.Data);
        receiver.Secret = view.Secret!;
        return view;
    }

    public static async Task<Envelope> DeliveriesAsync(this WorkflowHarness harness, string endpointId) =>
        (await harness.Services.GetRequiredService<WebhooksApi>().ListDeliveriesAsync(Request("GET", ""), endpointId, CancellationToken.None)).Envelope;

    public static async Task<WebhookEndpointView> EndpointAsync(this WorkflowHarness harness, string endpointId) =>
        Assert.IsType<WebhookEndpointView>((await harness.Services.GetRequiredService<WebhooksApi>().GetAsync(Request("GET", ""), endpointId, CancellationToken.None)).Envelope.Data);

    /// <summary>The outbox rows of a task (or of an announcement), read from the store.</summary>
    public static async Task<OutboxEntry?> OutboxAsync(this WorkflowHarness harness, string id) =>
        (await harness.Services.GetRequiredService<OutboxStore>().GetAsync(id, CancellationToken.None))?.Value;

    /// <summary>Waits until the outbox row is no longer pending.</summary>
    public static async Task<OutboxEntry> WaitFinishedAsync(this WorkflowHarness harness, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await harness.OutboxAsync(id) is { IsFinished: true } entry)
            {
                return entry;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The delivery {id} is still pending: {await harness.OutboxAsync(id)}");
            }

            await Task.Delay(50);
        }
    }

    private static HttpRequest Request(string method, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
