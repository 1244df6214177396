using System.Formats.Tar;
using System.IO.Compression;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>What a restore changed: files written, files already identical (left untouched), entries removed.</summary>
public sealed record RestoreResult(long FilesWritten, long FilesUnchanged, long EntriesRemoved)
{
    /// <summary>Of <see cref="FilesUnchanged"/>, those known by their unchanged lstat (the install's stat cache) and not read.</summary>
    public long FilesNotRead { get; init; }
}

/// <summary>Makes a site byte-identical to a backup made by <see cref="SiteBackup"/>; safe to run again after a crash.</summary>
public static class SiteRestore
{
    /// <summary>
    /// Verifies the archive, writes every entry it holds (content, mode, symbolic links as links; identical files are
    /// left alone), removes every entry of the site the backup does not hold, sets folder modes, then verifies the
    /// tree against the manifest and throws <see cref="SiteMismatchException"/> if anything still differs. Paths under
    /// <paramref name="excludeFiles"/> are neither written nor removed.
    /// </summary>
    public static Task<RestoreResult> RestoreAsync(
        string archivePath, string siteRoot, IReadOnlyList<string> excludeFiles, CancellationToken cancellationToken) =>
        RestoreAsync(LocalSiteFileSystem.Instance, archivePath, siteRoot, excludeFiles, cancellationToken);

    /// <inheritdoc cref="RestoreAsync(string, string, IReadOnlyList{string}, CancellationToken)"/>
    /// <remarks>The archive and the site are on <paramref name="files"/>.</remarks>
    public static async Task<RestoreResult> RestoreAsync(
        ISiteFileSystem files, string archivePath, string siteRoot, IReadOnlyList<string> excludeFiles, CancellationToken cancellationToken)
    {
        var manifest = await SiteBackup.ReadManifestAsync(files, archivePath, cancellationToken);
        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        files.CreateDirectories(root);
        var writer = await SiteWriter.OpenAsync(files, root, cancellationToken);

        var (written, unchanged) = await ExtractAsync(archivePath, manifest, excludes, writer, cancellationToken);
        return await FinishAsync(writer, manifest, excludes, archivePath, new RestoreResult(written, unchanged, 0), null, cancellationToken);
    }

    /// <summary>
    /// The end of every restore: removes what the backup does not hold, sets folder modes (deepest first: a read-only
    /// folder had to stay writable while it was filled), then checks the tree against the manifest. The contents of
    /// <paramref name="contentChecked"/> were hashed during this restore and are compared by size and mode only.
    /// </summary>
    internal static async Task<RestoreResult> FinishAsync(
        SiteWriter writer, SiteManifest manifest, IReadOnlyList<string> excludes, string source, RestoreResult extracted,
        IReadOnlySet<string>? contentChecked, CancellationToken cancellationToken)
    {
        var removed = RemoveExtras(manifest, excludes, writer, cancellationToken);
        for (var i = manifest.Entries.Count - 1; i >= 0; i--)
        {
            if (manifest.Entries[i] is { Type: ManifestEntryTypes.Directory } entry && !SitePaths.IsUnderAny(entry.Path, excludes))
            {
                writer.SetDirectoryMode(entry.Path, entry.Mode);
            }
        }

        var differences = await SiteVerifier.VerifyAgainstManifestAsync(writer.Files, writer.Root, manifest, excludes, cancellationToken, contentChecked);
        if (differences.Count > 0)
        {
            throw new SiteMismatchException(
                $"After restoring '{source}', the site still differs from the backup: {string.Join("; ", differences.Take(10))}", differences);
        }

        return extracted with { EntriesRemoved = removed };
    }

    /// <summary>
    /// Makes one entry of the site what the manifest says: a folder (left writable until <see cref="FinishAsync"/>), a
    /// link, or a file whose content, read from <paramref name="open"/> only when the site's file differs, is checked
    /// against the manifest as it is written. Returns whether a file was written.
    /// </summary>
    internal static async Task<bool> RestoreEntryAsync(
        SiteWriter writer, ManifestEntry wanted, Func<CancellationToken, Task<Stream>> open, DateTimeOffset? modified, RemoteHashes? hashes,
        CancellationToken cancellationToken, bool ownsContent = true)
    {
        switch (wanted.Type)
        {
            case ManifestEntryTypes.Directory:
                writer.EnsureDirectory(wanted.Path, wanted.Mode, replaceLink: true, makeWritable: true);
                return false;
            case ManifestEntryTypes.Symlink:
                writer.WriteSymlink(wanted.Path, wanted.LinkTarget!);
                return false;
        }

        if (await writer.IsSameFileAsync(wanted.Path, wanted.Size, wanted.Mode, wanted.Sha256, cancellationToken, hashes))
        {
            return false;
        }

        var content = wanted.Size == 0 ? Stream.Null : await open(cancellationToken);
        try
        {
            // Checked before it is renamed into place: a corrupt backup never overwrites a file of the site.
            await writer.WriteFileAsync(wanted.Path, content, wanted.Mode, modified, cancellationToken, (wanted.Sha256, wanted.Size));
        }
        finally
        {
            if (ownsContent)
            {
                await content.DisposeAsync();
            }
        }

        return true;
    }

    /// <summary>Writes the archive's entries, which a verified archive holds in the manifest's order (folders first).</summary>
    private static async Task<(long Written, long Unchanged)> ExtractAsync(
        string archivePath, SiteManifest manifest, IReadOnlyList<string> excludes, SiteWriter writer, CancellationToken cancellationToken)
    {
        long written = 0, unchanged = 0;
        var next = 0;
        var hashes = await RemoteHashes.ForAsync(writer.Files, writer.Root,
            manifest.Entries.Where(e => e.Type == ManifestEntryTypes.File && e.Size > 0 && !SitePaths.IsUnderAny(e.Path, excludes)).Select(e => e.Path),
            cancellationToken);
        await using var file = await SiteFiles.OpenArchiveAsync(writer.Files, archivePath, cancellationToken);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (!entry.Name.StartsWith(SiteBackup.SiteEntryPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = entry.Name[SiteBackup.SiteEntryPrefix.Length..].TrimEnd('/');
            var wanted = next < manifest.Entries.Count ? manifest.Entries[next++] : null;
            if (wanted?.Path != path)
            {
                throw new InvalidBackupException($"The backup '{archivePath}' changed after it was verified ('{path}').", [path]);
            }

            if (SitePaths.IsUnderAny(path, excludes))
            {
                continue;
            }

            var data = entry.DataStream ?? Stream.Null;
            if (await RestoreEntryAsync(writer, wanted, _ => Task.FromResult(data), entry.ModificationTime, hashes, cancellationToken, ownsContent: false))
            {
                written++;
            }
            else if (wanted.Type == ManifestEntryTypes.File)
            {
                unchanged++;
            }
        }

        return (written, unchanged);
    }

    /// <summary>Removes what the backup does not hold, deepest first; a folder still holding excluded paths stays.</summary>
    internal static long RemoveExtras(SiteManifest manifest, IReadOnlyList<string> excludes, SiteWriter writer, CancellationToken cancellationToken)
    {
        var kept = manifest.Entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var extras = SiteTree.Walk(writer.Files, writer.Root, excludes, cancellationToken).Where(i => !kept.Contains(i.Path)).ToList();
        extras.Sort((a, b) => string.CompareOrdinal(b.Path, a.Path));
        long removed = 0;
        foreach (var item in extras)
        {
            var done = item.Type == ManifestEntryTypes.Directory ? writer.DeleteDirectoryIfEmpty(item.Path) : writer.DeleteFileOrLink(item.Path);
            removed += done ? 1 : 0;
        }

        return removed;
    }
}
