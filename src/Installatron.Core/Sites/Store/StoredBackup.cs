using System.Text.Json;

namespace Installatron.Core.Sites.Store;

/// <summary>The installed version's package a backup takes contents from instead of storing them (checked by its SHA-256 before use).</summary>
public sealed record PackageReference(string Application, string Version, string Sha256);

/// <summary>A package on this machine, with what the catalog says it is.</summary>
public sealed record PackageSource(string ZipPath, PackageReference Reference)
{
    /// <summary>Where its content index is kept (the machine's package cache); null: in the backup store's own folder.</summary>
    public string? IndexPath { get; init; }

    /// <summary>Where the SHA-256 of each of its entries is kept (the machine's package cache; <see cref="PackageIndex.DigestAsync"/>).</summary>
    public string? DigestPath { get; init; }
}

/// <summary>
/// One backup in a <see cref="ContentStore"/>: the site's manifest (the same entries and attachments as an archive's,
/// <see cref="SiteManifest"/>), and where contents not kept in the store are: <see cref="FromPackage"/> maps a content's
/// SHA-256 to the entry of <see cref="Package"/> holding it. Every other content of size &gt; 0 is an object of the store.
/// </summary>
public sealed record StoredBackup(string Format, string Compression, SiteManifest Manifest)
{
    public const string CurrentFormat = "installatron-backup-store/1";
    public const string Zstd = "zstd";

    public PackageReference? Package { get; init; }

    public IReadOnlyDictionary<string, string>? FromPackage { get; init; }

    /// <summary>What this backup added to the store: objects and their compressed bytes (the rest was there or in the package).</summary>
    public long NewObjects { get; init; }

    public long NewBytes { get; init; }

    /// <summary>Every content hash this backup needs from the store (not from the package; empty contents need nothing).</summary>
    public IEnumerable<string> StoredHashes() =>
        Manifest.Entries.Where(e => e.Type == ManifestEntryTypes.File && e.Size > 0).Select(e => e.Sha256)
            .Concat((Manifest.Attachments ?? []).Where(a => a.Size > 0).Select(a => a.Sha256))
            .Where(h => FromPackage?.ContainsKey(h) != true)
            .Distinct(StringComparer.Ordinal);

    /// <summary>Writes the document beside its final place, flushed to disk, then renames it into place; returns its SHA-256.</summary>
    public async Task<string> WriteAsync(string path, CancellationToken cancellationToken)
    {
        ContentStore.RequireRealDirectory(Path.GetDirectoryName(path)!);
        var partial = path + SiteBackup.PartialSuffix;
        // Streamed to the file and hashed on the way (a 60,000-file site's document is ~14 MB: never one buffer).
        string sha256;
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using var hashing = new HashingStream(file);
            await JsonSerializer.SerializeAsync(hashing, this, SiteJson.Default.StoredBackup, cancellationToken);
            file.Flush(flushToDisk: true);
            sha256 = hashing.Sha256();
        }

        File.Move(partial, path, overwrite: true);
        return sha256;
    }

    /// <summary>
    /// Reads a backup's document and makes the cheap check: its format, the manifest's rules, every content it needs
    /// present in the store (or named in the package); throws <see cref="InvalidBackupException"/> listing what is wrong.
    /// </summary>
    public static async Task<(StoredBackup Backup, string Sha256)> ReadAsync(ContentStore store, string path, CancellationToken cancellationToken)
    {
        var (backup, sha256) = await ParseAsync(path, cancellationToken);
        var problems = backup.Problems(store);
        return problems.Count == 0
            ? (backup, sha256)
            : throw new InvalidBackupException($"The backup '{path}' failed its check: {string.Join("; ", problems.Take(10))}", problems);
    }

    /// <summary>Reads a backup's document as it is (no check of the store).</summary>
    internal static async Task<(StoredBackup Backup, string Sha256)> ParseAsync(string path, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidBackupException($"The backup '{path}' does not exist.", ["missing backup document"]);
        }

        // Parsed as it is read and hashed on the way (a 60,000-file site's document is ~14 MB: never one buffer).
        await using (file)
        {
            using var hashing = new HashingStream(file);
            try
            {
                return await JsonSerializer.DeserializeAsync(hashing, SiteJson.Default.StoredBackup, cancellationToken) is { } backup
                    ? (backup, hashing.Sha256())
                    : throw new InvalidBackupException($"The backup '{path}' is empty.", ["empty backup document"]);
            }
            catch (JsonException e)
            {
                throw new InvalidBackupException($"The backup '{path}' is not valid JSON: {e.Message}", [e.Message]);
            }
        }
    }

    private List<string> Problems(ContentStore store)
    {
        var problems = new List<string>();
        if (Format != CurrentFormat || Compression != Zstd)
        {
            problems.Add($"unknown backup format '{Format}' ({Compression})");
            return problems;
        }

        if (Manifest is null)
        {
            problems.Add("the manifest is missing");
            return problems;
        }

        problems.AddRange(Manifest.Problems());
        if (FromPackage is { Count: > 0 } && Package is null)
        {
            problems.Add("contents are taken from a package the backup does not name");
        }

        foreach (var sha256 in StoredHashes())
        {
            if (!store.Contains(sha256))
            {
                problems.Add($"the content {sha256} is missing from the store");
            }
        }

        return problems;
    }
}
