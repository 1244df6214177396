using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>Automatic updates as rollouts on the standalone server (Azure Storage backend on Azurite): waves, limits, paging.</summary>
public sealed class RolloutTests(ITestOutputHelper output)
{
    private static readonly string[] Settings =
    [
        "--Installatron:AutoUpdateMinutes", "0",
        "--Installatron:RolloutCanaryPercent", "2",
        "--Installatron:RolloutCanaryMinimum", "3",
        "--Installatron:RolloutMaxConcurrent", "4",
        "--Installatron:RolloutMaxPerServer", "2",
        "--Installatron:SweepPageSize", "5",
    ];

    [Fact]
    public async Task Sweep_TwelveInstallsInPagesOfFive_RolloutInGrowingWavesUpdatesEvery()
    {
        await using var server = await ApiServer.StartAsync(settings: Settings);
        var installs = await Fleet.AddSitesAsync(server.Services, server.DataPath, 11);

        var sweep = SweepAsync(server, TimeSpan.FromMinutes(3));
        await Task.Delay(500);
        (await server.PostJsonAsync("/rollouts/sweep", "{}")).AssertEnvelope(409, ErrorCodes.SweepInProgress);
        output.WriteLine((await sweep).ToString());

        var rollout = (await server.GetAsync("/rollouts/wordpress-6.7.3")).AssertEnvelope(200, null).Data;
        output.WriteLine(rollout.ToString());
        Assert.Equal(RolloutStatuses.Complete, rollout.Status());
        Assert.Equal(12, rollout.Int("members"));
        Assert.Equal(12, rollout.Int("complete"));
        Assert.Equal([3, 6, 3], rollout.GetProperty("waves").EnumerateArray().Select(w => w.Int("size")));
        var store = server.Services.GetRequiredService<InstallStore>();
        foreach (var install in installs.Append(new Install { Id = DemoData.InstallId, Application = "", Path = "", Url = "", User = "", Version = "" }))
        {
            var updated = (await store.GetAsync(install.Id, CancellationToken.None))!.Value;
            Assert.Equal("6.7.3", updated.Version);
            Assert.Equal("6.7.3", updated.VersionAutouped);
        }

        var tasks = (await server.GetAsync("/tasks?limit=100")).AssertEnvelope(200, null).Data.GetProperty("tasks");
        Assert.All(tasks.EnumerateArray(), t => Assert.Equal("wordpress-6.7.3", t.GetProperty("rollout").GetString()));
        Assert.Empty(await server.Services.GetRequiredService<SlotStore>().HoldersAsync(SlotStore.OverallKey, CancellationToken.None));

        // Nothing is due any more: the next sweep plans nothing and the rollout stays complete.
        var again = await SweepAsync(server, TimeSpan.FromMinutes(1));
        Assert.Equal(0, again.GetProperty("Planned").GetInt32());
        Assert.Equal(RolloutStatuses.Complete, (await server.GetAsync("/rollouts/wordpress-6.7.3")).Data.Status());
        Assert.Equal(12, (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("total").GetInt32());
    }

    /// <summary>Starts a sweep through the API and waits for it (and the rollouts it runs) to end.</summary>
    internal static async Task<JsonElement> SweepAsync(ApiServer server, TimeSpan timeout)
    {
        var started = (await server.PostJsonAsync("/rollouts/sweep", "{}")).AssertEnvelope(202, null);
        var sweepId = started.Data.GetProperty("sweep_id").GetString()!;
        using var cancel = new CancellationTokenSource(timeout);
        var instance = await server.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(sweepId, getInputsAndOutputs: true, cancel.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        return JsonDocument.Parse(instance.SerializedOutput!).RootElement.Clone();
    }
}
