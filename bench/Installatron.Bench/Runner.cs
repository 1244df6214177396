using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Installatron.Processes;

namespace Installatron.Bench;

/// <summary>Runs every phase for one site size and collects the rows of the report.</summary>
public sealed partial class Runner(string workDirectory)
{
    private readonly List<PhaseResult> _rows = [];

    public IReadOnlyList<PhaseResult> Rows => _rows;

    public async Task<GeneratedSite> RunAsync(SiteSize size)
    {
        var directory = Path.Join(workDirectory, size.Name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        Console.Error.WriteLine($"[{size.Name}] generating the site in {directory} ...");
        var clock = Stopwatch.StartNew();
        var site = SiteGenerator.Generate(directory, size);
        Console.Error.WriteLine($"[{size.Name}] {site.Files:N0} files, {site.Bytes / 1e6:N0} MB in {clock.Elapsed.TotalSeconds:N1} s");
        var archive = Path.Join(directory, "backup.tar.gz");
        var staging = Path.Join(directory, ".installatron-staging", "bench");

        await PhaseAsync("idle");
        await PhaseAsync("backup", site.Root, archive);
        await PhaseAsync("verify", archive);
        Tool($"tar czf (same site)", "tar", "czf", Path.Join(directory, "tar-czf.tar.gz"), "-C", site.Root, ".");
        File.Delete(Path.Join(directory, "tar-czf.tar.gz"));
        await PhaseAsync("apply", site.Root, site.NewPackage, site.OldPackage, staging);
        await PhaseAsync("verify-package", site.Root, site.NewPackage);
        var checksums = Path.Join(directory, "checksums.json");
        await PhaseAsync("checksums", site.NewPackage, checksums);
        _rows.RemoveAt(_rows.Count - 1);
        await PhaseAsync("core-integrity", site.Root, checksums);
        _rows[^1] = _rows[^1] with { Phase = "core integrity (site against the release's md5 checksums)" };
        await PhaseAsync("apply", site.Root, site.NewPackage, site.OldPackage, staging);
        _rows[^1] = _rows[^1] with { Phase = "apply again (no-op)" };
        await PhaseAsync("restore", archive, site.Root);
        Tool("unzip -o (same package, over the site)", "unzip", "-o", "-q", site.NewPackage, "-d", site.Root);
        var extracted = Path.Join(directory, "tar-xzf");
        Directory.CreateDirectory(extracted);
        Tool("tar xzf (the backup, into an empty folder)", "tar", "xzf", archive, "-C", extracted);
        Directory.Delete(directory, recursive: true);
        return site;
    }

    private async Task PhaseAsync(string phase, params string[] args)
    {
        Console.Error.WriteLine($"  {phase} ...");
        var dll = Assembly.GetExecutingAssembly().Location;
        var output = (await RunAsync("dotnet", [dll, "phase", phase, .. args])).StandardOutput;
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var result = JsonSerializer.Deserialize<PhaseResult>(last) ?? throw new InvalidOperationException($"No result from {phase}.");
        Console.Error.WriteLine($"    {result.Seconds:N2} s, peak RSS {result.PeakRssMb:N0} MB: {result.Note}");
        _rows.Add(result);
    }

    /// <summary>Times a shell tool with GNU time (elapsed seconds and peak RSS).</summary>
    private void Tool(string label, string tool, params string[] args)
    {
        Console.Error.WriteLine($"  {label} ...");
        var report = Path.GetTempFileName();
        try
        {
            RunAsync("/usr/bin/time", ["-f", "%e %M", "-o", report, tool, .. args]).GetAwaiter().GetResult();
            var parts = File.ReadAllText(report).Trim().Split('\n')[^1].Split(' ');
            var result = new PhaseResult(label, double.Parse(parts[0], CultureInfo.InvariantCulture),
                long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024.0, tool);
            Console.Error.WriteLine($"    {result.Seconds:N2} s, peak RSS {result.PeakRssMb:N0} MB");
            _rows.Add(result);
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static async Task<ProcessResult> RunAsync(string file, string[] args) =>
        (await ChildProcess.RunAsync(file, args, TimeSpan.FromHours(1))).EnsureSuccess();
}
