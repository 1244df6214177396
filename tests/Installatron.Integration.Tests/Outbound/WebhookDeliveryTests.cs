using System.Diagnostics;
using System.Text.Json;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>Webhook deliveries to a real HTTP receiver that checks every signature with the reference library.</summary>
public sealed class WebhookDeliveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Update_ReceiverFailsTwiceThen200_EventDeliveredOnceOnTheThirdAttempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script = [500, 503];
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings());
        var endpoint = await harness.RegisterAsync(receiver, new { events = new[] { NotificationEvents.Update } });

        var clock = Stopwatch.StartNew();
        Assert.True((await harness.UpdateAsync("{}")).Result);
        var finished = clock.Elapsed;
        var delivered = Assert.Single(await receiver.WaitForEventsAsync(1));
        output.WriteLine($"update answered after {finished.TotalSeconds:0.00} s; event delivered (3rd attempt) after {clock.Elapsed.TotalSeconds:0.00} s");

        var requests = receiver.Received;
        Assert.Equal([500, 503, 200], requests.Select(r => r.Answered));
        Assert.All(requests, r => Assert.True(r.SignatureValid));
        Assert.Single(requests.Select(r => r.Id).Distinct()); // one webhook-id for every attempt of the delivery
        Assert.All(requests, r => Assert.Equal(delivered.Body, r.Body));
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromMilliseconds(500), "the retry waited on a durable timer");

        var task = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        using var body = JsonDocument.Parse(delivered.Body);
        var root = body.RootElement;
        Assert.Equal("update", root.GetProperty("type").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", root.GetProperty("timestamp").GetString());
        var envelope = root.GetProperty("data");
        Assert.Equal(["result", "status", "errcode", "errfield", "message", "data"], envelope.EnumerateObject().Select(p => p.Name));
        Assert.True(envelope.GetProperty("result").GetBoolean());
        Assert.Equal(task.Id, envelope.GetProperty("data").GetProperty("task").GetProperty("id").GetString());
        Assert.Equal("complete", envelope.GetProperty("data").GetProperty("task").GetProperty("status").GetString());
        var install = envelope.GetProperty("data").GetProperty("install");
        Assert.Equal("6.7.3", install.GetProperty("version").GetString());
        Assert.Equal("", install.GetProperty("db_pass").GetString());

        var log = Assert.IsType<WebhookDeliveryPage>((await harness.DeliveriesAsync(endpoint.Id)).Data);
        var entry = Assert.Single(log.Deliveries);
        Assert.Equal((OutboxStatuses.Sent, 3, 200, delivered.Id), (entry.Status, entry.Attempts, entry.LastStatusCode, entry.Id));
        Assert.Equal(task.Id, entry.TaskId);
    }

    [Fact]
    public async Task Update_ReceiverRedirects_NotFollowedThenEndpointDisabledAndOwnerMailed()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var target = await WebhookReceiver.StartAsync();
        await using var redirecting = await WebhookReceiver.StartAsync();
        redirecting.Script = Enumerable.Repeat(307, 100).ToList();
        redirecting.RedirectTo = target.Url;
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp, retryFor: "00:00:03"));
        var endpoint = await harness.RegisterAsync(redirecting, new { email = "ops@example.test", description = "CI hook" });
        target.Secret = redirecting.Secret;

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message); // a failing receiver never changes the update's outcome
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal(["ops@example.test"], mail.Recipients);
        Assert.Equal($"[Installatron] Webhook {endpoint.Id} was disabled after 3 seconds of failed deliveries", mail.Subject);
        Assert.Contains("redirect", mail.Text);
        Assert.DoesNotContain(redirecting.Secret, mail.Text + mail.Html);

        Assert.Empty(target.Received);
        Assert.True(redirecting.Received.Count >= 2, $"retried: {redirecting.Received.Count} attempt(s)");
        Assert.All(redirecting.Received, r => Assert.Equal(307, r.Answered));
        var entry = Assert.Single(Assert.IsType<WebhookDeliveryPage>((await harness.DeliveriesAsync(endpoint.Id)).Data).Deliveries);
        Assert.Equal(OutboxStatuses.Failed, entry.Status);
        Assert.Equal(307, entry.LastStatusCode);
        Assert.Contains("redirect, which is not followed", entry.LastError);
        Assert.StartsWith("answer 307: xxx", entry.ResponseExcerpt);
        Assert.Equal(WebhookSender.ExcerptChars, entry.ResponseExcerpt.Length);

        var disabled = await harness.EndpointAsync(endpoint.Id);
        Assert.False(disabled.Enabled);
        Assert.Contains(entry.Id, disabled.DisabledReason);
        Assert.Null(disabled.Secret);
        Assert.Equal(DemoData.InstallId, entry.InstallId);
    }
}
