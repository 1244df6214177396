using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>One request the receiver got, with what it made of the signature and what it answered.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, bool SignatureValid, int Answered, DateTimeOffset At);

/// <summary>
/// A webhook receiver on a free loopback port (Kestrel in the test process). It checks every request's Standard Webhooks
/// signature with the reference library (NuGet StandardWebhooks) against <see cref="Secret"/>, answers the statuses of
/// <see cref="Script"/> in turn (then 200), can hold requests until released, and counts events by <c>webhook-id</c>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _requests;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/hook";

    public string BaseUrl => _app.Urls.First();

    /// <summary>The endpoint's secret, set once the endpoint is registered.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Statuses to answer to the first requests, in order; 200 after that.</summary>
    public IReadOnlyList<int> Script { get; set; } = [];

    /// <summary>Where a 3xx in the script points (<c>Location</c>).</summary>
    public string? RedirectTo { get; set; }

    /// <summary>When set, the first request waits for it before answering (a delivery in flight).</summary>
    public TaskCompletionSource? HoldFirst { get; set; }

    /// <summary>Completed when the first request has arrived.</summary>
    public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The events as a receiver that drops repeats sees them: signed correctly, answered 2xx, one per <c>webhook-id</c>.</summary>
    public IReadOnlyList<ReceivedWebhook> Events =>
        Received.Where(r => r.SignatureValid && r.Answered is >= 200 and < 300).GroupBy(r => r.Id).Select(g => g.First()).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForEventsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (Events.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} event(s) expected; requests: {string.Join(" | ", Received.Select(r => $"{r.Id} {r.Answered} valid={r.SignatureValid}"))}");
            }

            await Task.Delay(25);
        }

        return Events;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var valid = Verify(body, headers);
        var number = Interlocked.Increment(ref _requests);
        FirstArrived.TrySetResult();
        if (number == 1 && HoldFirst is { } hold)
        {
            await hold.Task;
        }

        var status = valid ? number <= Script.Count ? Script[number - 1] : 200 : 401;
        if (status is >= 300 and < 400 && RedirectTo is not null)
        {
            context.Response.Headers.Location = RedirectTo;
        }

        _received.Enqueue(new ReceivedWebhook(context.Request.Path, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(),
            headers["webhook-signature"].ToString(), body, valid, status, DateTimeOffset.UtcNow));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "ok" : $"answer {status}: " + new string('x', 5000));
    }

    private bool Verify(string body, IHeaderDictionary headers)
    {
        try
        {
            new StandardWebhook(Secret).Verify(body, headers);
            return true;
        }
        catch (Exception e) when (e is StandardWebhooks.Diagnostics.WebhookVerificationException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        HoldFirst?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
