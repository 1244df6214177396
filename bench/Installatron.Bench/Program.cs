using System.Globalization;
using System.Text;
using Installatron.Bench;

// Installatron.Bench run 100mb|1gb|both [work-directory]   generate sites, measure each phase, print a markdown table
// Installatron.Bench store 100mb|1gb|both [work-directory]  the backup store (issue 12) against tar/unzip, and 20 sites of one version
// Installatron.Bench generate 100mb|1gb DIRECTORY          only generate a site and its packages (for experiments)
// Installatron.Bench phase NAME ARGS...                    one measured phase (run in a child process by "run")
// Installatron.Bench fleet [installs] [updates] [all|plan|updates|limit|broken]   automatic updates at fleet scale (bench/fleet.sh)
// Installatron.Bench bare-kestrel PORT [slim|default]                    Kestrel with one static 403 answer: the floor of bench/api.sh
// Installatron.Bench live [rounds]                                        the live WordPress site's full update against the same work by hand (bench/live.sh)
// Installatron.Bench remote-update HOST PORT LOGIN KEY FINGERPRINT SITE ARCHIVE STAGING NEW OLD   a remote update over SSH (bench/remote.sh)
// Installatron.Bench remote-store HOST PORT LOGIN KEY FINGERPRINT SITE ARCHIVE-FOLDER OLD REPOSITORY   remote backups: tar.gz vs the blob store (bench/remote.sh store)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["remote-store", ..])
{
    return await RemoteStorePhases.RunAsync(args);
}

if (args is ["remote-update", ..])
{
    return await RemotePhases.RunAsync(args);
}

if (args is ["live", ..])
{
    return await Installatron.Bench.Live.LiveBench.RunAsync(args);
}

if (args is ["fleet", ..])
{
    return await Installatron.Bench.Fleet.FleetBench.RunAsync(args);
}

if (args is ["bare-kestrel", var barePort, ..])
{
    return await BareKestrel.RunAsync(int.Parse(barePort, CultureInfo.InvariantCulture), slim: args.Length < 3 || args[2] != "default");
}

if (args is ["phase", ..])
{
    return await Phases.RunAsync(args);
}

if (args is ["generate", var name, var directory])
{
    var generated = SiteGenerator.Generate(directory, SiteSize.Parse(name));
    Console.WriteLine(generated);
    return 0;
}

if (args is not [var mode and ("run" or "store"), var which, ..])
{
    Console.Error.WriteLine("usage: Installatron.Bench run|store 100mb|1gb|both [work-directory] | generate 100mb|1gb DIRECTORY");
    return 2;
}

var work = args.Length > 2 ? args[2] : Path.Join(Path.GetTempPath(), "installatron-bench");
var sizes = which == "both" ? [SiteSize.Small, SiteSize.Large] : new[] { SiteSize.Parse(which) };
var results = new List<(SiteSize Size, GeneratedSite Site, IReadOnlyList<PhaseResult> Rows)>();
try
{
    foreach (var size in sizes)
    {
        var runner = new Runner(work);
        var site = mode == "store" ? await runner.RunStoreAsync(size) : await runner.RunAsync(size);
        results.Add((size, site, runner.Rows));
    }
}
finally
{
    if (Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}

var table = new StringBuilder();
table.AppendLine($"| phase | {string.Join(" | ", results.Select(r => $"{r.Size.Name} wall (s) | {r.Size.Name} peak RSS (MB)"))} |");
table.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|---:|"))}");
foreach (var phase in results[0].Rows.Select(r => r.Phase))
{
    table.Append($"| {phase} |");
    foreach (var (_, _, rows) in results)
    {
        // A phase one size does not run (the store's 20 sites at 1 GB) is shown as "—".
        var row = rows.FirstOrDefault(r => r.Phase == phase);
        table.Append(row is null ? " — | — |" : string.Create(CultureInfo.InvariantCulture, $" {row.Seconds:0.00} | {row.PeakRssMb:0} |"));
    }

    table.AppendLine();
}

table.AppendLine();
foreach (var (size, site, rows) in results)
{
    table.AppendLine(CultureInfo.InvariantCulture,
        $"- {size.Name}: {site.Files:N0} files, {site.Bytes / 1e6:N0} MB; core {site.CoreFiles:N0} files, update changes {site.Changed:N0}, adds {site.Added:N0}, removes {site.Removed:N0}.");
    foreach (var row in rows.Where(r => r.Note.Contains(' ', StringComparison.Ordinal)))
    {
        table.AppendLine(CultureInfo.InvariantCulture, $"  - {row.Phase}: {row.Note}");
    }
}

Console.WriteLine(table);
return 0;
