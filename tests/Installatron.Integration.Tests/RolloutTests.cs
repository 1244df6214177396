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

    [Fact]
    public async Task Breaker_ReleaseBreaksEverySite_CanaryRevertedRolloutPausedNoOtherSiteTouched()
    {
        await using var server = await ApiServer.StartAsync(settings:
        [
            .. Settings, "--Installatron:RolloutMaxConcurrent", "2", "--Installatron:RolloutHealthRevertLimit", "100",
        ]);
        var publicHtml = Path.GetDirectoryName(server.DemoSitePath)!;
        await using var php = await PhpServer.StartAsync(publicHtml);
        await ChangeOwnerAsync(server, u => u with { Vhosts = [.. u.Vhosts, "127.0.0.1"] });
        var installs = await Fleet.AddSitesAsync(server.Services, server.DataPath, 9, folder => $"{php.Url}/{folder}");
        await Fleet.PublishBrokenAsync(server.Services, "6.7.4");
        var before = installs.ToDictionary(i => i.Id, i => SiteFiles.Hash(i.Path));

        await ChangeInstallAsync(server, DemoData.InstallId, i => i with { Autoup = "none" });
        var sweep = await SweepAsync(server, TimeSpan.FromMinutes(3));
        output.WriteLine(sweep.ToString());

        var rollout = (await server.GetAsync("/rollouts/wordpress-6.7.4")).AssertEnvelope(200, null).Data;
        output.WriteLine(rollout.ToString());
        var tasks = (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("tasks").EnumerateArray().ToList();
        output.WriteLine(string.Join("\n", tasks.Select(t => $"{t.GetProperty("install_id")} {t.GetProperty("status")} {t.GetProperty("health_before")} {t.GetProperty("health_after")} {t.GetProperty("version_to")} {t.GetProperty("message")}")));
        Assert.Equal(RolloutStatuses.Paused, rollout.Status());
        Assert.Equal(RolloutPausers.CircuitBreaker, rollout.GetProperty("paused_by").GetString());
        Assert.Contains("more than the 20 % allowed", rollout.GetProperty("reason").GetString());
        var wave = Assert.Single(rollout.GetProperty("waves").EnumerateArray());
        Assert.Equal(3, wave.Int("size"));
        Assert.Equal(0, wave.Int("complete"));
        Assert.InRange(wave.Int("started"), 1, 2);

        var touched = tasks.Select(t => t.GetProperty("install_id").GetString()!).ToHashSet();
        Assert.Equal(wave.Int("started"), touched.Count);
        Assert.All(tasks, t => Assert.Equal(TaskStatuses.Reverted, t.GetProperty("status").GetString()));
        Assert.Equal(touched.Count, rollout.Int("health_reverts") + tasks.Count(t => t.GetProperty("errcode").GetString() != ErrorCodes.FailedHealthCheck));
        foreach (var install in installs)
        {
            // Reverted sites are byte-identical to before; no other site was touched at all.
            Assert.Equal(before[install.Id], SiteFiles.Hash(install.Path));
        }

        // A paused target takes no one at the next sweep.
        var next = await SweepAsync(server, TimeSpan.FromMinutes(1));
        Assert.Equal(0, next.GetProperty("Planned").GetInt32());
        Assert.Equal(9, next.GetProperty("Held").GetInt32()); // the reverted ones are due again, and held too
        Assert.Equal(touched.Count, (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task PerServerLimit_OneAtATime_NeverTwoUpdatesOnTheServer()
    {
        await using var server = await ApiServer.StartAsync(settings: [.. Settings, "--Installatron:RolloutMaxConcurrent", "4", "--Installatron:RolloutMaxPerServer", "1"]);
        await Fleet.AddSitesAsync(server.Services, server.DataPath, 7);
        var tables = server.Services.GetRequiredService<InstallatronTables>();
        var slots = server.Services.GetRequiredService<SlotStore>();
        var maxLeases = 0;
        var maxSlots = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var leases = 0;
                await foreach (var _ in tables.Leases.QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: CancellationToken.None))
                {
                    leases++;
                }

                maxLeases = Math.Max(maxLeases, leases);
                maxSlots = Math.Max(maxSlots, (await slots.HoldersAsync(SlotStore.ServerKey(HostingServers.Local), CancellationToken.None)).Count);
                await Task.Delay(10);
            }
        });

        await SweepAsync(server, TimeSpan.FromMinutes(3));
        await stop.CancelAsync();
        await watch;

        var rollout = (await server.GetAsync("/rollouts/wordpress-6.7.3")).Data;
        Assert.Equal(8, rollout.Int("complete"));
        output.WriteLine($"most updates holding a lease at once: {maxLeases}; most slots held on the server: {maxSlots}");
        Assert.Equal(1, maxSlots);
        Assert.Equal(1, maxLeases);
    }

    [Fact]
    public async Task AdminRoutes_PauseResumeCancel_StartsStopAndGoOn()
    {
        await using var server = await ApiServer.StartAsync(settings: [.. Settings, "--Installatron:RolloutMaxConcurrent", "1"]);
        await Fleet.AddSitesAsync(server.Services, server.DataPath, 7);
        (await server.PostJsonAsync("/rollouts/nothing-1.0/pause", "{}")).AssertEnvelope(404, ErrorCodes.RolloutNotFound);

        var started = (await server.PostJsonAsync("/rollouts/sweep", "{}")).AssertEnvelope(202, null);
        var sweepId = started.Data.GetProperty("sweep_id").GetString()!;
        await Fleet.WaitForRolloutAsync(server, "wordpress-6.7.3", r => r.Int("complete") >= 1, TimeSpan.FromMinutes(2));
        var paused = (await server.PostJsonAsync("/rollouts/wordpress-6.7.3/pause", """{"reason": "maintenance window"}""")).AssertEnvelope(200, null).Data;
        Assert.Equal(RolloutStatuses.Paused, paused.Status());
        Assert.Equal("maintenance window", paused.GetProperty("reason").GetString());

        // Running updates finish; nothing more starts; the sweep ends with its paused rollout.
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await server.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(sweepId, cancel.Token);
        }

        var stopped = (await server.GetAsync("/rollouts/wordpress-6.7.3")).Data;
        var startedBefore = stopped.Int("started");
        Assert.InRange(startedBefore, 1, 2);
        Assert.Equal(startedBefore, stopped.Int("complete"));
        await Task.Delay(2000);
        Assert.Equal(startedBefore, (await server.GetAsync("/rollouts/wordpress-6.7.3")).Data.Int("started"));
        Assert.Equal(startedBefore, (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("total").GetInt32());

        // Resumed: a runner of its own takes it to the end.
        (await server.PostJsonAsync("/rollouts/wordpress-6.7.3/resume", "{}")).AssertEnvelope(200, null);
        var done = await Fleet.WaitForRolloutAsync(server, "wordpress-6.7.3", r => r.Status() == RolloutStatuses.Complete, TimeSpan.FromMinutes(2));
        Assert.Equal(8, done.Int("complete"));
        Assert.Equal("maintenance window", done.GetProperty("reason").GetString());

        // A complete rollout cannot be paused, resumed or cancelled.
        foreach (var verb in new[] { "pause", "resume", "cancel" })
        {
            (await server.PostJsonAsync($"/rollouts/wordpress-6.7.3/{verb}", "{}")).AssertEnvelope(409, ErrorCodes.RolloutFinished);
        }

        (await server.PostJsonAsync("/rollouts/wordpress-6.7.3/pause", """{"because": "x"}""")).AssertEnvelope(400, ErrorCodes.UnknownArgument, "because");
        Assert.Single((await server.GetAsync("/rollouts?status=complete")).Data.EnumerateArray());
        Assert.Empty((await server.GetAsync("/rollouts?status=paused")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Cancel_PausedRollout_TargetNotRolledOutAgain()
    {
        await using var server = await ApiServer.StartAsync(settings: [.. Settings, "--Installatron:RolloutMaxConcurrent", "1"]);
        await Fleet.AddSitesAsync(server.Services, server.DataPath, 4);
        var sweep = (await server.PostJsonAsync("/rollouts/sweep", "{}")).AssertEnvelope(202, null).Data.GetProperty("sweep_id").GetString()!;
        await Fleet.WaitForRolloutAsync(server, "wordpress-6.7.3", r => r.Int("started") >= 1, TimeSpan.FromMinutes(2));
        var cancelled = (await server.PostJsonAsync("/rollouts/wordpress-6.7.3/cancel", "{}")).AssertEnvelope(200, null).Data;
        Assert.Equal(RolloutStatuses.Cancelled, cancelled.Status());
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await server.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(sweep, cancel.Token);
        }

        var total = (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("total").GetInt32();
        var next = await SweepAsync(server, TimeSpan.FromMinutes(1));
        Assert.Equal(0, next.GetProperty("Planned").GetInt32());
        Assert.Equal(total, (await server.GetAsync("/tasks?limit=100")).Data.GetProperty("total").GetInt32());
        (await server.PostJsonAsync("/rollouts/wordpress-6.7.3/resume", "{}")).AssertEnvelope(409, ErrorCodes.RolloutFinished);

        // Updates through the seed's API are unaffected.
        var update = await server.PostJsonAsync($"/installs/{DemoData.InstallId}/update", """{"version": "6.7.3"}""");
        Assert.True(update.HttpStatus is 200 or 400, update.Body);
    }

    private static async Task ChangeInstallAsync(ApiServer server, string id, Func<Install, Install> change)
    {
        var installs = server.Services.GetRequiredService<InstallStore>();
        var stored = (await installs.GetAsync(id, CancellationToken.None))!;
        await installs.ReplaceAsync(change(stored.Value), stored.ETag, CancellationToken.None);
    }

    private static async Task ChangeOwnerAsync(ApiServer server, Func<HostingUser, HostingUser> change)
    {
        var users = server.Services.GetRequiredService<UserStore>();
        var stored = (await users.GetAsync(DemoData.User, CancellationToken.None))!;
        await users.ReplaceAsync(change(stored.Value), stored.ETag, CancellationToken.None);
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
