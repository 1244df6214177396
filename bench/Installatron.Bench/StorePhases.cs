using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;

namespace Installatron.Bench;

/// <summary>The backup store's phases (<c>Installatron.Bench phase store-… ARGS</c>), each in a process of its own.</summary>
public static class StorePhases
{
    /// <param name="clock">Timed: the backup alone (started after the package's SHA-256 is known, as the catalog knows it;
    /// stopped before the store is measured for the note).</param>
    public static async Task<string> BackupAsync(string site, string storeRoot, string task, string package, Stopwatch? clock = null)
    {
        var source = await SourceAsync(package);
        clock?.Restart();
        var store = ContentStore.Open(storeRoot);
        var result = await StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, site, ["wp-content/cache"], store, store.DocumentPath("bench", task),
            source, [], CancellationToken.None);
        clock?.Stop();
        return $"{result.Files:N0} files, {result.Bytes / 1e6:N0} MB ({result.FilesRead:N0} read): {result.Backup.FromPackage?.Count ?? 0:N0} contents from the package, "
            + $"{result.Backup.NewObjects:N0} new objects ({result.Backup.NewBytes / 1e6:N1} MB written); store {StoreMb(storeRoot):N1} MB";
    }

    public static async Task<string> RestoreAsync(string storeRoot, string task, string package, string site)
    {
        var store = ContentStore.Open(storeRoot);
        var result = await StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, store, store.DocumentPath("bench", task), package, site,
            ["wp-content/cache"], CancellationToken.None);
        return $"{result.FilesWritten:N0} written, {result.FilesUnchanged:N0} unchanged ({result.FilesNotRead:N0} known by the stat cache, not read), "
            + $"{result.EntriesRemoved:N0} removed; tree verified";
    }

    /// <summary>Backs up a small site of its own (small and large files, new and the package's) into a store of its own, then removes both.</summary>
    public static async Task WarmUpAsync(string package)
    {
        var scratch = Directory.CreateTempSubdirectory("store-warmup-").FullName;
        try
        {
            var site = Path.Join(scratch, "site");
            ZipFile.ExtractToDirectory(package, site);
            await File.WriteAllBytesAsync(Path.Join(site, "large.bin"), new byte[3 << 20].Select((_, i) => (byte)(i * 7)).ToArray());
            await File.WriteAllTextAsync(Path.Join(site, "own.txt"), "warm-up");
            var store = ContentStore.Open(Path.Join(scratch, "store"));
            await StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, site, [], store, store.DocumentPath("warmup", "t1"), await SourceAsync(package), [],
                CancellationToken.None);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Every folder under <paramref name="sites"/> backed up into one store: what the store costs against the sites' own bytes.</summary>
    public static async Task<string> ManySitesAsync(string sites, string storeRoot, string package)
    {
        var store = ContentStore.Open(storeRoot);
        var source = await SourceAsync(package);
        long own = 0;
        var count = 0;
        foreach (var site in Directory.GetDirectories(sites).Order(StringComparer.Ordinal))
        {
            var result = await StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, site, [], store, store.DocumentPath(Path.GetFileName(site), "t1"),
                source, [], CancellationToken.None);
            own += result.Backup.Manifest.Entries.Where(e => e.Type == ManifestEntryTypes.File && !result.Backup.FromPackage!.ContainsKey(e.Sha256)).Sum(e => e.Size);
            count++;
        }

        var core = CoreBytes(package);
        var limit = (core + own) * 1.1;
        var hints = StoreBytes(storeRoot, "stat-cache");
        var stored = StoreBytes(storeRoot) - hints;
        return $"{count} sites: store {stored / 1e6:N1} MB (+ {hints / 1e6:N1} MB of stat caches); one core {core / 1e6:N1} MB + their own content {own / 1e6:N1} MB = "
            + $"{(core + own) / 1e6:N1} MB (× 1.1 = {limit / 1e6:N1} MB); store / limit = {stored / limit:N2} ({(stored + hints) / limit:N2} with the stat caches)";
    }

    private static async Task<PackageSource> SourceAsync(string package)
    {
        await using var zip = File.OpenRead(package);
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(zip));
        return new PackageSource(package, new PackageReference("bench", "1.0", sha256));
    }

    private static long CoreBytes(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Sum(e => e.Length);
    }

    private static long StoreBytes(string root, string pattern = "*") =>
        new DirectoryInfo(root).EnumerateFiles(pattern, SearchOption.AllDirectories).Sum(f => f.Length);

    private static double StoreMb(string root) => StoreBytes(root) / 1e6;
}
