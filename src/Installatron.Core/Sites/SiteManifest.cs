using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>The kinds of entry a site holds.</summary>
public static class ManifestEntryTypes
{
    public const string File = "file";
    public const string Directory = "directory";
    public const string Symlink = "symlink";
}

/// <summary>
/// One file, directory or symbolic link of a site. <paramref name="Path"/> is relative to the site root,
/// '/'-separated; <paramref name="Mode"/> holds the Unix permission bits (0o777 for a symbolic link, whose own mode
/// means nothing on Linux); <paramref name="Size"/> and <paramref name="Sha256"/> (lowercase hex) are those of a
/// file's content, 0 and "" otherwise; <paramref name="LinkTarget"/> is a symbolic link's target, as written.
/// </summary>
[JsonConverter(typeof(ManifestEntryJsonConverter))]
public sealed record ManifestEntry(string Path, string Type, long Size, int Mode, string Sha256, string? LinkTarget)
{
    /// <summary>
    /// A file's or folder's modification time in nanoseconds since the Unix epoch, when the backup knew it (backups in
    /// the store); a restore gives it back. Absent in older documents and archives (their restore leaves times alone).
    /// </summary>
    public long? Mtime { get; init; }
}

/// <summary>
/// What a backup holds: every entry, sorted ordinally by path, and the exclude list it was taken with. Written as
/// JSON (snake_case) at the end of the backup archive.
/// </summary>
/// <summary>
/// A file stored in the backup beside the site (under <c>database/</c>): the install's table dump, with the checksum of
/// every table it holds.
/// </summary>
public sealed record ManifestAttachment(string Name, long Size, string Sha256, IReadOnlyList<TableChecksum>? Tables = null);

public sealed record SiteManifest(string Format, IReadOnlyList<string> ExcludeFiles, IReadOnlyList<ManifestEntry> Entries)
{
    /// <summary>Files stored beside the site (the database dump), in archive order; <c>null</c> when there are none.</summary>
    public IReadOnlyList<ManifestAttachment>? Attachments { get; init; }

    public const string CurrentFormat = "installatron-site-manifest/1";

    [JsonIgnore]
    public long Files => Entries.LongCount(e => e.Type == ManifestEntryTypes.File);

    [JsonIgnore]
    public long Bytes => Entries.Where(e => e.Type == ManifestEntryTypes.File).Sum(e => e.Size);

    public static SiteManifest Create(IReadOnlyList<string> excludeFiles, IEnumerable<ManifestEntry> entries)
    {
        var list = entries.ToList();
        if (!IsSorted(list))
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        }

        return new(CurrentFormat, excludeFiles, list);
    }

    private static bool IsSorted(List<ManifestEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (string.CompareOrdinal(entries[i - 1].Path, entries[i].Path) > 0)
            {
                return false;
            }
        }

        return true;
    }

    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken) =>
        await JsonSerializer.SerializeAsync(stream, this, SiteJson.Default.SiteManifest, cancellationToken);

    /// <summary>Reads a manifest; throws <see cref="InvalidBackupException"/> when it is not one or breaks a rule of <see cref="Problems"/>.</summary>
    public static async Task<SiteManifest> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        SiteManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync(stream, SiteJson.Default.SiteManifest, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvalidBackupException($"The manifest is not valid JSON: {ex.Message}", [ex.Message]);
        }

        if (manifest is null)
        {
            throw new InvalidBackupException("The manifest is empty.", ["empty manifest"]);
        }

        var problems = manifest.Problems();
        return problems.Count == 0
            ? manifest
            : throw new InvalidBackupException($"The manifest is invalid: {string.Join("; ", problems.Take(10))}", problems);
    }

    /// <summary>
    /// What is wrong with this manifest: an unknown format, a path that is not canonical or could escape the site,
    /// entries out of order or repeated, an unknown type, a file without a SHA-256, a symbolic link without a target,
    /// an entry whose parent folder is not itself an entry.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Format != CurrentFormat)
        {
            problems.Add($"unknown manifest format '{Format}'");
        }

        if (ExcludeFiles is null || Entries is null)
        {
            problems.Add("exclude_files and entries are required");
            return problems;
        }

        foreach (var exclude in ExcludeFiles)
        {
            if (!SitePaths.TryNormalize(exclude, out var normalized) || normalized != exclude)
            {
                problems.Add($"exclude entry '{exclude}' is not a canonical relative path");
            }
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var entry in Entries)
        {
            if (entry?.Path is not { } path || !SitePaths.TryNormalize(path, out var normalized) || normalized != path)
            {
                problems.Add($"entry path '{entry?.Path}' is not a canonical relative path");
                continue;
            }

            if (previous is not null && string.CompareOrdinal(previous, path) >= 0)
            {
                problems.Add($"entry '{path}' is out of order or repeated");
            }

            previous = path;
            var slash = path.LastIndexOf('/');
            if (slash > 0 && !directories.Contains(path[..slash]))
            {
                problems.Add($"entry '{path}' has no directory entry for its folder");
            }

            switch (entry.Type)
            {
                case ManifestEntryTypes.File when entry.Size < 0 || !IsSha256(entry.Sha256):
                    problems.Add($"file '{path}' needs a size and a SHA-256");
                    break;
                case ManifestEntryTypes.Directory:
                    directories.Add(path);
                    break;
                case ManifestEntryTypes.Symlink when string.IsNullOrEmpty(entry.LinkTarget) || entry.LinkTarget.Contains('\0'):
                    problems.Add($"symbolic link '{path}' needs a target");
                    break;
                case ManifestEntryTypes.File or ManifestEntryTypes.Symlink:
                    break;
                default:
                    problems.Add($"entry '{path}' has the unknown type '{entry.Type}'");
                    break;
            }

            if (entry.Mode is < 0 or > 0xFFF)
            {
                problems.Add($"entry '{path}' has the invalid mode {entry.Mode}");
            }
        }

        return problems;
    }

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static bool IsSha256(string? text) => text is { Length: 64 } && !text.AsSpan().ContainsAnyExcept(LowerHex);
}
