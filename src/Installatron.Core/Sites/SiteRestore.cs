using System.Formats.Tar;
using System.IO.Compression;

namespace Installatron.Core.Sites;

/// <summary>What a restore changed: files written, files already identical (left untouched), entries removed.</summary>
public sealed record RestoreResult(long FilesWritten, long FilesUnchanged, long EntriesRemoved);

/// <summary>Makes a site byte-identical to a backup made by <see cref="SiteBackup"/>; safe to run again after a crash.</summary>
public static class SiteRestore
{
    /// <summary>
    /// Verifies the archive, writes every entry it holds (content, mode, symbolic links as links; identical files are
    /// left alone), removes every entry of the site the backup does not hold, sets folder modes, then verifies the
    /// tree against the manifest and throws <see cref="SiteMismatchException"/> if anything still differs. Paths under
    /// <paramref name="excludeFiles"/> are neither written nor removed.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(
        string archivePath, string siteRoot, IReadOnlyList<string> excludeFiles, CancellationToken cancellationToken)
    {
        var manifest = await SiteBackup.ReadManifestAsync(archivePath, cancellationToken);
        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var root = Path.GetFullPath(siteRoot);
        Directory.CreateDirectory(root);
        var expected = manifest.Entries
            .Where(e => !SitePaths.IsUnderAny(e.Path, excludes))
            .ToDictionary(e => e.Path, StringComparer.Ordinal);
        var writer = new SiteWriter(root);

        var (written, unchanged) = await ExtractAsync(archivePath, writer, expected, cancellationToken);

        // Deepest first, so a folder is emptied before it is removed; a folder still holding excluded paths stays.
        long removed = 0;
        var present = SiteTree.List(root, excludes, cancellationToken);
        for (var i = present.Count - 1; i >= 0; i--)
        {
            var item = present[i];
            if (!expected.ContainsKey(item.Path))
            {
                removed += (item.Type == ManifestEntryTypes.Directory ? writer.DeleteDirectoryIfEmpty(item.Path) : writer.DeleteFileOrLink(item.Path)) ? 1 : 0;
            }
        }

        // Folder modes last: a read-only folder had to stay writable while it was filled.
        foreach (var entry in expected.Values.Where(e => e.Type == ManifestEntryTypes.Directory).OrderByDescending(e => e.Path, StringComparer.Ordinal))
        {
            writer.SetDirectoryMode(entry.Path, entry.Mode);
        }

        var differences = await SiteVerifier.VerifyAgainstManifestAsync(root, manifest, excludes, cancellationToken);
        if (differences.Count > 0)
        {
            throw new SiteMismatchException(
                $"After restoring '{archivePath}', the site still differs from the backup: {string.Join("; ", differences.Take(10))}", differences);
        }

        return new RestoreResult(written, unchanged, removed);
    }

    private static async Task<(long Written, long Unchanged)> ExtractAsync(
        string archivePath, SiteWriter writer, Dictionary<string, ManifestEntry> expected, CancellationToken cancellationToken)
    {
        long written = 0, unchanged = 0;
        await using var file = SiteFiles.OpenArchive(archivePath);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (!entry.Name.StartsWith(SiteBackup.SiteEntryPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = entry.Name[SiteBackup.SiteEntryPrefix.Length..].TrimEnd('/');
            if (!expected.TryGetValue(path, out var wanted))
            {
                continue;
            }

            switch (wanted.Type)
            {
                case ManifestEntryTypes.Directory:
                    writer.EnsureDirectory(path, wanted.Mode, replaceLink: true, makeWritable: true);
                    break;
                case ManifestEntryTypes.Symlink:
                    writer.WriteSymlink(path, wanted.LinkTarget!);
                    break;
                default:
                    if (await writer.IsSameFileAsync(path, wanted.Size, wanted.Mode, wanted.Sha256, cancellationToken))
                    {
                        unchanged++;
                        break;
                    }

                    var copied = await writer.WriteFileAsync(
                        path, entry.DataStream ?? Stream.Null, wanted.Mode, entry.ModificationTime, wanted.Size, cancellationToken);
                    if (copied.Sha256 != wanted.Sha256 || copied.Length != wanted.Size)
                    {
                        throw new InvalidBackupException($"The backup '{archivePath}' changed while it was being restored ('{path}').", [path]);
                    }

                    written++;
                    break;
            }
        }

        return (written, unchanged);
    }
}
