// A standalone server hosting a test orchestration, for the integration tests' crash test: it is started, killed
// with SIGKILL in the middle of the orchestration, and started again. Lines on stdout tell the test where it listens
// (the standalone server's own words) and when its Durable Task worker is connected.
using System.Diagnostics;
using Installatron.DurableCrashApp;
using Installatron.DurableSidecar;
using Installatron.Server;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

var app = await InstallatronServer.BuildAsync(args, Console.Out, registry => registry
    .AddOrchestrator<CrashOrchestration>()
    .AddActivity<AppendStep>()
    .AddActivity<SlowStep>());

app.MapPost("/crash-test/{instanceId}", async (string instanceId, CrashInput input, DurableTaskClient client, CancellationToken cancellationToken) =>
    await client.ScheduleNewOrchestrationInstanceAsync(
        nameof(CrashOrchestration), input, new StartOrchestrationOptions(instanceId), cancellationToken));
app.MapGet("/crash-test/{instanceId}", async (string instanceId, DurableTaskClient client, CancellationToken cancellationToken) =>
    await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } instance
        ? Results.Ok(new { status = instance.RuntimeStatus.ToString(), output = instance.SerializedOutput })
        : Results.NotFound());

await app.StartAsync();
Console.WriteLine($"Installatron.Server is listening on {app.Urls.First()}");
await app.Services.GetRequiredService<SidecarReadiness>().WhenWorkerConnected;
var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
Console.WriteLine($"WORKER_READY {sinceProcessStart.TotalMilliseconds:F0}");
await app.WaitForShutdownAsync();
