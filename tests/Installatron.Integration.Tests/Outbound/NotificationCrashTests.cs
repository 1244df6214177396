using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>kill -9 of the standalone server after the update finalized, while its webhook is being delivered.</summary>
public sealed class NotificationCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Delivery_ServerKilledWhileDelivering_ReceiverSeesTheEventExactlyOnceAfterRestart()
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.HoldFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arguments = ServerProcess.DurableArguments(azurite.ConnectionString, prefix, dataPath,
            "--Installatron:CatalogSourceUrl", "",
            "--Installatron:WebhookAllowPrivateNetworks", "true",
            "--Installatron:WebhookAllowHttp", "true",
            "--Installatron:NotificationRetryDelays", "00:00:01",
            "--Logging:LogLevel:Default", "Information");
        string taskId;
        string endpointId;
        string logs;

        await using (var first = ServerProcess.Start(arguments))
        {
            using var client = Client(await first.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            var created = await PostAsync(client, "/webhooks", new { url = receiver.Url, events = new[] { "update" } });
            endpointId = created.GetProperty("id").GetString()!;
            receiver.Secret = created.GetProperty("secret").GetString()!;
            taskId = (await PostAsync(client, $"/installs/{DemoData.InstallId}/update", new { background = true })).GetProperty("id").GetString()!;
            var completed = SeenCompleteAsync(client, taskId);

            await receiver.FirstArrived.Task.WaitAsync(TimeSpan.FromSeconds(90));
            var arrived = DateTimeOffset.UtcNow;
            // Finalized (the task is complete) and its webhook is in flight.
            output.WriteLine($"first delivery attempt {(arrived - await completed).TotalMilliseconds:0} ms after the task was seen complete (polled every 50 ms)");
            await first.KillAsync();
            logs = first.Output;
            receiver.HoldFirst.SetResult(); // the held request now answers a connection that is gone
        }

        var restarted = Stopwatch.StartNew();
        await using (var second = ServerProcess.Start(arguments))
        {
            using var client = Client(await second.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            var delivery = await WaitForSentAsync(client, endpointId, TimeSpan.FromSeconds(120));
            output.WriteLine($"after restart the delivery was sent in {restarted.Elapsed.TotalSeconds:0.0} s: {delivery}");
            Assert.Equal(taskId, delivery.GetProperty("task_id").GetString());
            Assert.Equal(200, delivery.GetProperty("last_status_code").GetInt32());
            logs += second.Output;
        }

        var requests = receiver.Received;
        output.WriteLine($"{requests.Count} request(s): {string.Join(", ", requests.Select(r => $"{r.Id} → {r.Answered}"))}");
        Assert.InRange(requests.Count, 2, 3);
        Assert.All(requests, r => Assert.True(r.SignatureValid));
        Assert.Single(requests.Select(r => r.Id).Distinct()); // every attempt carries the same webhook-id…
        Assert.Single(receiver.Events); // …so a receiver that drops repeats sees the event once
        Assert.Single(requests.Select(r => r.Body).Distinct());
        Assert.DoesNotContain(receiver.Secret, logs);
        Assert.DoesNotContain(receiver.Secret[6..], logs);
        Directory.Delete(dataPath, recursive: true);
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-API-KEY", ApiServer.Key);
        return client;
    }

    private static async Task<DateTimeOffset> SeenCompleteAsync(HttpClient client, string taskId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var status = JsonDocument.Parse(await client.GetStringAsync($"/tasks/{taskId}")).RootElement.GetProperty("data").GetProperty("status").GetString();
            if (status != "queued" && status != "running")
            {
                Assert.Equal("complete", status);
                return DateTimeOffset.UtcNow;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Task {taskId} did not finish.");
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(root.GetProperty("result").GetBoolean(), root.ToString());
        return root.GetProperty("data").Clone();
    }

    private static async Task<JsonElement> WaitForSentAsync(HttpClient client, string endpointId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement log = default;
        while (DateTime.UtcNow < deadline)
        {
            log = JsonDocument.Parse(await client.GetStringAsync($"/webhooks/{endpointId}/deliveries")).RootElement.GetProperty("data").Clone();
            if (log.GetProperty("deliveries").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } entry
                && entry.GetProperty("status").GetString() == "sent")
            {
                return entry;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The delivery was not sent after the restart: {log}");
    }
}
