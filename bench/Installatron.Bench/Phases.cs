using System.Diagnostics;
using System.Text.Json;
using Installatron.Core.Sites;

namespace Installatron.Bench;

/// <summary>What one phase measured, as the child process reports it on its last line of output.</summary>
public sealed record PhaseResult(string Phase, double Seconds, double PeakRssMb, string Note);

/// <summary>
/// One engine operation in a process of its own (<c>Installatron.Bench phase NAME ARGS</c>), so the peak resident
/// set it reports (VmHWM) belongs to that operation alone.
/// </summary>
public static class Phases
{
    public static async Task<int> RunAsync(string[] args)
    {
        var name = args[1];
        if (name == "store-backup-warm")
        {
            // One backup first (its own document, untimed): the timed one then runs in a process whose code is compiled.
            await StorePhases.BackupAsync(args[2], args[3], args[4] + "-warmup", args[5]);
        }
        else if (name == "store-backup-warm-first")
        {
            // A small other site backed up first into a store of its own (untimed): the timed first backup of the site
            // then runs in a process whose code is compiled, into an empty store, as a running worker's would.
            await StorePhases.WarmUpAsync(args[5]);
        }

        var clock = Stopwatch.StartNew();
        var note = name switch
        {
            "idle" => "the .NET runtime alone",
            "backup" => await BackupAsync(args[2], args[3]),
            "verify" => await VerifyAsync(args[2]),
            "apply" => await ApplyAsync(args[2], args[3], args[4], args[5]),
            "verify-package" => await VerifyPackageAsync(args[2], args[3]),
            "restore" => await RestoreAsync(args[2], args[3]),
            "checksums" => await ChecksumsAsync(args[2], args[3]),
            "core-integrity" => await CoreIntegrityAsync(args[2], args[3]),
            "store-backup" or "store-backup-warm" or "store-backup-warm-first" => await StorePhases.BackupAsync(args[2], args[3], args[4], args[5], clock),
            "store-restore" => await StorePhases.RestoreAsync(args[2], args[3], args[4], args[5]),
            "store-sites" => await StorePhases.ManySitesAsync(args[2], args[3], args[4]),
            _ => throw new ArgumentException($"Unknown phase '{name}'."),
        };
        clock.Stop();
        Console.WriteLine(JsonSerializer.Serialize(new PhaseResult(name, clock.Elapsed.TotalSeconds, PeakRssMb(), note)));
        return 0;
    }

    /// <summary>The peak resident set size of this process so far, from /proc/self/status.</summary>
    public static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task<string> BackupAsync(string site, string archive)
    {
        var result = await SiteBackup.CreateAsync(site, ["wp-content/cache"], archive, CancellationToken.None);
        return $"{result.Files:N0} files, {result.Bytes / 1e6:N0} MB → archive {new FileInfo(archive).Length / 1e6:N0} MB";
    }

    private static async Task<string> VerifyAsync(string archive)
    {
        var verification = await SiteBackup.VerifyAsync(archive, CancellationToken.None);
        return verification.IsValid ? $"valid, {verification.Manifest!.Entries.Count:N0} entries" : $"INVALID: {verification.Problems[0]}";
    }

    private static async Task<string> ApplyAsync(string site, string newPackage, string oldPackage, string staging)
    {
        var result = await new PackageApplier(TimeProvider.System).ApplyAsync(
            new ApplyRequest(site, newPackage, oldPackage, SiteRecipe.WordPress, staging), CancellationToken.None);
        return $"{result.FilesWritten:N0} written, {result.FilesUnchanged:N0} unchanged, {result.EntriesRemoved:N0} removed";
    }

    private static async Task<string> VerifyPackageAsync(string site, string package)
    {
        var differences = await SiteVerifier.VerifyAgainstPackageAsync(site, package, SiteRecipe.WordPress, CancellationToken.None);
        return differences.Count == 0 ? "no difference" : $"{differences.Count} differences, e.g. {differences[0]}";
    }

    /// <summary>The md5 per file of a package, as core checksums 1.0 publishes them (setup for <c>core-integrity</c>).</summary>
    private static async Task<string> ChecksumsAsync(string package, string output)
    {
        var md5 = new Dictionary<string, string>(StringComparer.Ordinal);
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            await using var content = entry.Open();
            md5[entry.FullName] = Convert.ToHexStringLower(await System.Security.Cryptography.MD5.HashDataAsync(content));
        }

        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(md5));
        return $"{md5.Count:N0} checksums";
    }

    private static async Task<string> CoreIntegrityAsync(string site, string checksums)
    {
        var md5 = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(checksums))!;
        var report = await CoreIntegrity.CheckAsync(site, "bench", md5, CancellationToken.None);
        return $"{report.Checked:N0} core files checked: {report.Modified.Count} modified, {report.Missing.Count} missing, {report.Injected.Count} injected";
    }

    private static async Task<string> RestoreAsync(string archive, string site)
    {
        var result = await SiteRestore.RestoreAsync(archive, site, ["wp-content/cache"], CancellationToken.None);
        return $"{result.FilesWritten:N0} written, {result.FilesUnchanged:N0} unchanged, {result.EntriesRemoved:N0} removed; tree verified";
    }
}
