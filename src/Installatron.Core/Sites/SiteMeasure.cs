using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>How many entries and bytes a folder holds (what a backup of it would take; an account's quota use).</summary>
public static class SiteMeasure
{
    /// <summary>
    /// Entries (files, folders, links; links counted, not followed) and bytes of regular files under
    /// <paramref name="root"/>, minus excluded relative paths. On a remote server with a shell, one <c>find</c> there;
    /// otherwise one listing per folder.
    /// </summary>
    public static async Task<(long Files, long Bytes)> MeasureAsync(
        ISiteFileSystem files, string root, IReadOnlyList<string> exclude, CancellationToken cancellationToken)
    {
        if (files is LocalSiteFileSystem)
        {
            return Measure(root, exclude, cancellationToken);
        }

        var skipped = exclude.Select(x => x.Trim('/')).Where(x => x.Length > 0).ToList();
        if (RemoteListing.IsAvailable(files.Shell))
        {
            var listed = (await RemoteListing.ListAsync(files.Shell!, root, skipped, cancellationToken, plainOnly: false))!;
            return (listed.Count, listed.Where(l => l.Type == 'f').Sum(l => l.Size));
        }

        long count = 0, bytes = 0;
        foreach (var item in SiteTree.Walk(files, root, skipped, cancellationToken))
        {
            count++;
            bytes += item.Type == ManifestEntryTypes.File ? item.Size : 0;
        }

        return (count, bytes);
    }

    /// <summary>The measure of a folder on this machine.</summary>
    public static (long Files, long Bytes) Measure(string root, IReadOnlyList<string> exclude, CancellationToken cancellationToken)
    {
        long files = 0, bytes = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (exclude.Any(x => relative == x.TrimEnd('/') || relative.StartsWith(x.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            files++;
            if (entry is FileInfo file && file.LinkTarget is null)
            {
                bytes += file.Length;
            }
        }

        return (files, bytes);
    }
}
