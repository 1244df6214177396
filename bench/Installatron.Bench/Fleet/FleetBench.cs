using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Core;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Processes;
using Installatron.Server.Azurite;
using Installatron.Server.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Bench.Fleet;

/// <summary>
/// bench/fleet.sh: automatic updates at fleet scale on the standalone server over Azurite. Every scenario seeds its own
/// tables (a prefix of its own) and tiny generated sites, starts the server(s) as child processes with their tables
/// behind <see cref="TableCounter"/>, and measures through the API.
/// </summary>
public sealed class FleetBench(string root, string work, AzuriteProcess azurite, TableCounter counter) : IAsyncDisposable
{
    private readonly List<ChildProcess> _servers = [];
    private int _scenario;

    public static async Task<int> RunAsync(string[] args)
    {
        var installs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var updates = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        var only = args.Length > 3 ? args[3] : "all";
        var root = BenchServer.FindRoot();
        var work = Path.Combine(Path.GetTempPath(), $"installatron-fleet-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var azurite = await AzuriteProcess.StartAsync(root, location: null, TextWriter.Null, CancellationToken.None);
        var counter = await TableCounter.StartAsync(LoopbackPort.Free(), azurite.Ports.Table);
        await using var bench = new FleetBench(root, work, azurite, counter);
        try
        {
            if (only is "all" or "plan")
            {
                await bench.PlanAsync(installs);
            }

            if (only is "all" or "updates")
            {
                await bench.UpdatesAsync(updates, maxConcurrent: 16, maxPerServer: 16, servers: 1);
            }

            if (only is "all" or "updates" or "two-servers")
            {
                await bench.UpdatesAsync(updates, maxConcurrent: 16, maxPerServer: 16, servers: 2);
            }

            if (only is "all" or "limit")
            {
                await bench.UpdatesAsync(updates, maxConcurrent: 8, maxPerServer: 1, servers: 1);
            }

            if (only is "all" or "broken")
            {
                await bench.BrokenReleaseAsync(updates);
            }
        }
        finally
        {
            await counter.DisposeAsync();
            await azurite.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    /// <summary>The sweep planning <paramref name="count"/> installs: time, the server's peak memory, table operations per install.</summary>
    private async Task PlanAsync(int count)
    {
        var fleet = await SeedAsync(count, null);
        var server = await StartServersAsync(fleet, 1, maxConcurrent: 8, maxPerServer: 4, countTables: true);
        var pid = _servers[^1].Pid;
        var idleMb = PeakRssMb(pid);
        counter.Reset();
        var clock = Stopwatch.StartNew();
        await StartSweepAsync(server);
        var planned = await WaitAsync(server, rollouts => rollouts.Sum(r => r.GetProperty("members").GetInt32()) >= count, TimeSpan.FromMinutes(30));
        var planSeconds = clock.Elapsed.TotalSeconds;
        var ops = counter.Snapshot();
        foreach (var rollout in planned)
        {
            await server.PostAsJsonAsync($"/rollouts/{rollout.GetProperty("id").GetString()}/pause", new { reason = "benchmark: planning only" });
        }

        var peakMb = PeakRssMb(pid);
        await WaitForSweepEndAsync(fleet);
        counter.Reset();
        clock.Restart();
        await StartSweepAsync(server);
        await WaitForSweepEndAsync(fleet);
        var heldSeconds = clock.Elapsed.TotalSeconds;
        var heldOps = counter.Snapshot();
        Report($"""
            ## Planning {count:N0} installs (sweep page size 1,000)
            - sweep start → every install planned into its rollout: {planSeconds:N1} s ({count / planSeconds:N0} installs/s)
            - table operations while planning: {ops.Values.Sum():N0} = {ops.Values.Sum() / (double)count:N3} per install ({Describe(ops, fleet.Prefix)})
            - a second sweep with the rollout paused (every install read, all held): {heldSeconds:N1} s, {heldOps.Values.Sum():N0} table operations ({Describe(heldOps, fleet.Prefix)})
            - server peak RSS: {idleMb:N0} MB after start, {peakMb:N0} MB after planning, {PeakRssMb(pid):N0} MB after the second sweep
            """);
        await StopServersAsync();
    }

    /// <summary><paramref name="count"/> tiny updates through one rollout: updates per minute, and the most updates seen on the server at once.</summary>
    private async Task UpdatesAsync(int count, int maxConcurrent, int maxPerServer, int servers)
    {
        var fleet = await SeedAsync(count, null);
        var server = await StartServersAsync(fleet, servers, maxConcurrent, maxPerServer);
        var slots = fleet.Services.GetRequiredService<SlotStore>();
        var tables = fleet.Services.GetRequiredService<InstallatronTables>();
        int maxSlots = 0, maxLeases = 0, samples = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var leases = 0;
                await foreach (var _ in tables.Leases.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["RowKey"]))
                {
                    leases++;
                }

                maxLeases = Math.Max(maxLeases, leases);
                maxSlots = Math.Max(maxSlots, (await slots.HoldersAsync(SlotStore.ServerKey(HostingServers.Local), CancellationToken.None)).Count);
                samples++;
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        await StartSweepAsync(server);
        var done = await WaitAsync(server, r => r.Count == 1 && r[0].GetProperty("status").GetString() != RolloutStatuses.Running, TimeSpan.FromHours(2));
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await watch;
        var rollout = done[0];
        var tasks = await fleet.Services.GetRequiredService<TaskStore>().ListAsync(null, null, CancellationToken.None);
        var notComplete = tasks
            .Where(t => t.Status != TaskStatuses.Complete).GroupBy(t => $"{t.Status} {t.Errcode}").Select(g => $"{g.Key} ×{g.Count()} ({g.First().Message.Trim()})");
        var skipped = (await fleet.Services.GetRequiredService<RolloutMemberStore>().ListAsync("wordpress-6.7.3", CancellationToken.None)).Values
            .Where(m => m.State == MemberStates.Skipped).GroupBy(m => m.Errcode).Select(g => $"{g.Key} ×{g.Count()} ({g.First().Reason})");
        Report($"""
            ## {count:N0} tiny updates, {servers} server(s), at most {maxConcurrent} at once and {maxPerServer} per server
            - rollout {rollout.GetProperty("status")}: {rollout.GetProperty("started")} started, {rollout.GetProperty("complete")} complete, {rollout.GetProperty("failed")} failed, {rollout.GetProperty("reverted")} reverted, {rollout.GetProperty("skipped")} skipped, in {rollout.GetProperty("waves").GetArrayLength()} waves ({string.Join(", ", rollout.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("size").GetInt32()))})
            - sweep start → rollout complete: {seconds:N1} s = {count / seconds * 60:N0} updates/min
            - most updates on the server at once (slot holders / install leases, sampled {samples:N0} times every ~20 ms): {maxSlots} / {maxLeases}
            - tasks: {tasks.Count:N0}, of which complete {tasks.Count(t => t.Status == TaskStatuses.Complete):N0}; not complete: {string.Join("; ", notComplete.DefaultIfEmpty("none"))}; members skipped: {string.Join("; ", skipped.DefaultIfEmpty("none"))}
            """);
        await StopServersAsync();
    }

    /// <summary>A release whose every site fails its health check: the canary reverts, the rollout pauses, nothing else is touched.</summary>
    private async Task BrokenReleaseAsync(int count)
    {
        var phpPort = LoopbackPort.Free();
        var fleet = await SeedAsync(count, folder => $"http://127.0.0.1:{phpPort}/{folder}");
        await using var php = ChildProcess.Start("php", ["-d", "opcache.enable=0", "-S", $"127.0.0.1:{phpPort}", "-t", fleet.PublicHtml],
            new ChildProcessOptions { Name = "php -S" });
        await Task.Delay(1000);
        var users = fleet.Services.GetRequiredService<UserStore>();
        var owner = (await users.GetAsync(DemoData.User, CancellationToken.None))!;
        await users.ReplaceAsync(owner.Value with { Vhosts = [.. owner.Value.Vhosts, "127.0.0.1"] }, owner.ETag, CancellationToken.None);
        await BrokenRelease.PublishAsync(fleet.Services, "6.7.4");
        var installs = await fleet.Services.GetRequiredService<InstallStore>().ListAsync(null, CancellationToken.None);
        var before = installs.ToDictionary(i => i.Id, i => TreeHash.Of(i.Path));
        var server = await StartServersAsync(fleet, 1, maxConcurrent: 8, maxPerServer: 8);
        var clock = Stopwatch.StartNew();
        await StartSweepAsync(server);
        await WaitForSweepEndAsync(fleet);
        var seconds = clock.Elapsed.TotalSeconds;
        var rollout = (await GetAsync(server, "/rollouts/wordpress-6.7.4")).GetProperty("data");
        var members = await fleet.Services.GetRequiredService<RolloutMemberStore>().ListAsync("wordpress-6.7.4", CancellationToken.None);
        var canary = rollout.GetProperty("waves")[0];
        var touched = installs.Where(i => TreeHash.Of(i.Path) != before[i.Id]).Select(i => i.Id).ToList();
        var started = members.Values.Where(m => m.TaskId is not null).Select(m => m.InstallId).ToHashSet();
        var queued = members.Values.Count(m => m.State is MemberStates.Queued);
        Report($"""
            ## A release that breaks its health check on every site ({count:N0} installs due)
            - sweep start → rollout paused and every started update finished: {seconds:N1} s
            - rollout: {rollout.GetProperty("status")} by {rollout.GetProperty("paused_by")}: "{rollout.GetProperty("reason").GetString()}"
            - canary wave: size {canary.GetProperty("size")}, started {canary.GetProperty("started")}, reverted {canary.GetProperty("reverted")}, failed {canary.GetProperty("failed")}, complete {canary.GetProperty("complete")}; waves: {rollout.GetProperty("waves").GetArrayLength()}; still queued in the canary: {queued}; pending: {rollout.GetProperty("pending")}
            - sites whose files differ from before: {touched.Count} (reverted sites are byte-identical); sites with an update task: {started.Count}, all in the canary wave: {started.All(id => members[id].State is TaskStatuses.Reverted or TaskStatuses.Failed)}
            """);
        await StopServersAsync();
    }

    private async Task<SeededFleet> SeedAsync(int count, Func<string, string>? urlOf)
    {
        _scenario++;
        var prefix = $"fleet{_scenario}x{Environment.ProcessId}";
        var dataPath = Path.Combine(work, prefix);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Installatron:TablePrefix"] = prefix,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddInstallatronCore(configuration).AddSingleton<DemoData>().BuildServiceProvider();
        var clock = Stopwatch.StartNew();
        await services.GetRequiredService<DemoData>().EnsureAsync(dataPath, CancellationToken.None);
        var installs = services.GetRequiredService<InstallStore>();
        var seed = (await installs.GetAsync(DemoData.InstallId, CancellationToken.None))!.Value;
        var publicHtml = Path.Combine(dataPath, "demo", "home", DemoData.User, "public_html");
        if (urlOf is not null)
        {
            // The demo install is not served: out of this scenario.
            await installs.ReplaceAsync(seed with { Autoup = "none" }, (await installs.GetAsync(seed.Id, CancellationToken.None))!.ETag, CancellationToken.None);
        }

        var added = urlOf is null ? count - 1 : count;
        await Parallel.ForEachAsync(Enumerable.Range(0, added), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var folder = $"site{i:D5}";
            var url = urlOf?.Invoke(folder) ?? $"http://{DemoData.Domain}/{folder}";
            var path = Path.Combine(publicHtml, folder);
            DemoWordPress.WriteSite(path, "6.7.2", url);
            await installs.AddAsync(seed with { Id = $"bench{i:D5}{Guid.NewGuid():N}"[..25], Path = path, Url = url, Failures = [] }, ct);
        });
        Console.Error.WriteLine($"[{prefix}] seeded {count:N0} installs and their sites in {clock.Elapsed.TotalSeconds:N1} s");
        return new SeededFleet(prefix, dataPath, publicHtml, services);
    }

    private async Task<HttpClient> StartServersAsync(SeededFleet fleet, int count, int maxConcurrent, int maxPerServer, bool countTables = false)
    {
        // Only the planning scenario counts table operations: the proxy's hop would slow the updates down.
        var connection = countTables ? AzuriteProcess.ConnectionStringFor(azurite.Ports with { Table = counter.Port }) : azurite.ConnectionString;
        HttpClient? first = null;
        for (var i = 0; i < count; i++)
        {
            var (process, url) = await BenchServer.StartAsync(root, $"server {i + 1}",
            [
                "--AzureWebJobsStorage", connection,
                "--Installatron:TablePrefix", fleet.Prefix, "--Installatron:TaskHub", fleet.Prefix, "--Installatron:DataPath", fleet.DataPath,
                "--Installatron:DemoData", "false", "--Installatron:AutoUpdateMinutes", "0", "--Installatron:CatalogSyncMinutes", "0",
                "--Installatron:CatalogSourceUrl", "", "--Installatron:RolloutMaxConcurrent", maxConcurrent.ToString(CultureInfo.InvariantCulture),
                "--Installatron:RolloutMaxPerServer", maxPerServer.ToString(CultureInfo.InvariantCulture), "--Logging:LogLevel:Default", "Warning",
            ]);
            _servers.Add(process);
            first ??= BenchServer.Client(url);
        }

        return first!;
    }

    private async Task StopServersAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
    }

    private static async Task StartSweepAsync(HttpClient server)
    {
        using var response = await server.PostAsJsonAsync("/rollouts/sweep", new { });
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"No sweep: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Waits until no sweep holds the lock: the last one (with the rollouts it ran) has ended.</summary>
    private static async Task WaitForSweepEndAsync(SeededFleet fleet)
    {
        var rollouts = fleet.Services.GetRequiredService<RolloutStore>();
        while (await rollouts.TryLockSweepAsync("bench-probe", _ => Task.FromResult(true), CancellationToken.None) is not null)
        {
            await Task.Delay(250);
        }

        await rollouts.UnlockSweepAsync("bench-probe", CancellationToken.None);
    }

    private static async Task<List<JsonElement>> WaitAsync(HttpClient server, Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rollouts = (await GetAsync(server, "/rollouts")).GetProperty("data").EnumerateArray().Select(r => r.Clone()).ToList();
            if (done(rollouts))
            {
                return rollouts;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(string.Join("\n", rollouts));
            }

            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient server, string path) =>
        JsonDocument.Parse(await server.GetStringAsync(path)).RootElement.Clone();

    private static string Describe(IReadOnlyDictionary<string, long> ops, string prefix) =>
        string.Join(", ", ops.OrderByDescending(o => o.Value).Select(o => $"{(o.Key.StartsWith(prefix, StringComparison.Ordinal) ? o.Key[prefix.Length..] : o.Key)} {o.Value:N0}"));

    private static double PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void Report(string text) => Console.WriteLine(text + "\n");

    public async ValueTask DisposeAsync() => await StopServersAsync();

    private sealed record SeededFleet(string Prefix, string DataPath, string PublicHtml, ServiceProvider Services);
}
