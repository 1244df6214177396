using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Installatron.Bench.Fleet;
using Installatron.Core;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Processes;
using Installatron.Server.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Bench.Live;

/// <summary>
/// bench/live.sh: a full update of the live WordPress 6.1.9 site (Debian's package, <c>php -S</c>, a real MariaDB, as
/// LiveWordPressTests run it) to the catalog's "6.1.10" with <c>revert=true</c> through the standalone server, side by
/// side with the same work by hand, on the same site put back before each run; the sides interleaved round by round.
/// Each round also restores the backup its second update took through <c>POST /installs/{id}/restore</c> (the site back
/// to the saved one, checked byte for byte, tables too) against <c>tar xzf</c> of a full archive of the site.
/// </summary>
public static class LiveBench
{
    public const string ByHand = "by hand";
    public const string FirstBackup = "product, empty store";
    public const string EarlierBackup = "product, earlier backup in store";
    public const string TarExtract = "tar xzf (by hand: a full archive into an empty folder)";
    public const string Restore = "product, restore of the backup the update took";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = BenchServer.FindRoot();
        var work = Path.Combine(Path.GetTempPath(), $"installatron-live-bench-{Environment.ProcessId}");
        var prefix = $"live{Environment.ProcessId}";
        Directory.CreateDirectory(work);
        var mariadb = new MariaDbServer();
        AzuriteProcess? azurite = null;
        LiveWordPress? wordpress = null;
        ChildProcess? server = null;
        try
        {
            await mariadb.InitializeAsync();
            azurite = await AzuriteProcess.StartAsync(root, location: null, TextWriter.Null, CancellationToken.None);
            wordpress = await LiveWordPress.StartAsync(mariadb, Path.Combine(work, "live"));
            var services = new ServiceCollection().AddLogging().AddInstallatronCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Installatron:TablePrefix"] = prefix,
            }).Build()).BuildServiceProvider();
            var next = LiveWordPressReleases.NextPackage(wordpress);
            await using (var current = File.OpenRead(LiveWordPressReleases.CurrentPackage(wordpress)))
            {
                await BenchCatalog.PublishAsync(services, Applications.WordPress, LiveWordPress.Version, current);
            }

            await using (var package = File.OpenRead(next))
            {
                await BenchCatalog.PublishAsync(services, Applications.WordPress, LiveWordPressReleases.Next, package);
            }

            const string user = "livebench";
            await services.GetRequiredService<UserStore>().AddAsync(new HostingUser
            {
                User = user, Home = wordpress.Root, Vhosts = ["127.0.0.1"], PhpVersion = "8.2", DbServer = DbServers.MariaDb, DbVersion = "10.11",
            }, CancellationToken.None);
            (server, var url) = await BenchServer.StartAsync(root, "server",
            [
                "--AzureWebJobsStorage", azurite.ConnectionString, "--Installatron:TablePrefix", prefix, "--Installatron:TaskHub", prefix,
                "--Installatron:DataPath", Path.Combine(work, "data"), "--Installatron:DemoData", "false", "--Installatron:AutoUpdateMinutes", "0",
                "--Installatron:CatalogSyncMinutes", "0", "--Installatron:CatalogSourceUrl", "", "--Logging:LogLevel:Default", "Warning",
            ]);
            using var api = BenchServer.Client(url);
            var installId = await ImportAsync(api, user, wordpress);
            var installs = services.GetRequiredService<InstallStore>();
            var backups = services.GetRequiredService<BackupStore>();
            var install = (await installs.GetAsync(installId, CancellationToken.None))!.Value;
            var site = new LiveSite(wordpress, work);
            await site.SaveAsync();
            var sides = new LiveSides(site, api, installId, LiveSite.Unrooted(next, LiveWordPressReleases.Org), work);
            var files = Directory.EnumerateFiles(wordpress.SitePath, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).ToList();
            Console.Error.WriteLine($"live site: {files.Count:N0} files, {files.Sum() / 1e6:N1} MB, {(await wordpress.TablesAsync()).Count} tables; load {Load()}");

            var runs = new List<LiveRun>();
            var loads = new List<string> { Load() };
            for (var round = 0; round <= rounds; round++)
            {
                // Round 0 warms up (JIT, PHP, page cache) and is not counted; then the order of the sides alternates.
                var order = round % 2 == 0 ? new[] { ByHand, FirstBackup, EarlierBackup } : [FirstBackup, EarlierBackup, ByHand];
                foreach (var side in order)
                {
                    await site.RestoreAsync(installs, backups, install, emptyStore: side == FirstBackup);
                    var run = side == ByHand ? await sides.ByHandAsync(round) : await sides.ProductAsync(side, round);
                    Record(runs, run);
                    if (side == EarlierBackup)
                    {
                        // The update just made undone on request: the site at 6.1.10 back to the saved 6.1.9.
                        Record(runs, await sides.RestoreAsync(round, run.TaskId!));
                    }
                }

                Record(runs, await sides.TarExtractAsync(round, site.Archive));

                loads.Add(Load());
            }

            Console.WriteLine(LiveReport.Markdown(runs, files.Count, files.Sum(), loads));
            return 0;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (wordpress is not null)
            {
                await wordpress.DisposeAsync();
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            await mariadb.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> ImportAsync(HttpClient api, string user, LiveWordPress wordpress)
    {
        using var response = await api.PostAsJsonAsync("/installs", new { user, application = Applications.WordPress, path = wordpress.SitePath, url = wordpress.Url });
        var body = await response.Content.ReadAsStringAsync();
        var envelope = JsonDocument.Parse(body).RootElement;
        return envelope.GetProperty("result").GetBoolean()
            ? envelope.GetProperty("data").GetProperty("id").GetString()!
            : throw new InvalidOperationException("The live site was not imported: " + body);
    }

    private static void Record(List<LiveRun> runs, LiveRun run)
    {
        Console.Error.WriteLine($"round {run.Round}: {run.Side}: {run.Seconds:N2} s ({string.Join(", ", run.Parts.Select(p => $"{p.Part} {p.Seconds:N2}"))})");
        if (run.Round > 0)
        {
            runs.Add(run);
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}
