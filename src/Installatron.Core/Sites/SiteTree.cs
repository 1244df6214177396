namespace Installatron.Core.Sites;

/// <summary>What is at a path, without following a symbolic link there.</summary>
internal enum EntryKind
{
    Missing,
    File,
    Directory,
    Symlink,
}

/// <summary>One entry found on disk by <see cref="SiteTree"/>.</summary>
internal sealed record SiteItem(string Path, string Type, long Size, int Mode, DateTimeOffset Modified);

/// <summary>Lists a site: files, directories and symbolic links (never followed), sorted ordinally by relative path.</summary>
internal static class SiteTree
{
    private static readonly EnumerationOptions Children = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
        MatchType = MatchType.Simple,
    };

    /// <summary>
    /// Every entry under <paramref name="root"/> except those under <paramref name="skipped"/> (relative paths), a
    /// folder before what it holds, otherwise in no particular order; streamed, one folder listing at a time.
    /// </summary>
    public static IEnumerable<SiteItem> Walk(string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken)
    {
        var pending = new Stack<(string Full, string Relative)>();
        pending.Push((root, ""));
        while (pending.TryPop(out var directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var info in new DirectoryInfo(directory.Full).EnumerateFileSystemInfos("*", Children))
            {
                var relative = directory.Relative.Length == 0 ? info.Name : $"{directory.Relative}/{info.Name}";
                if (SitePaths.IsUnderAny(relative, skipped))
                {
                    continue;
                }

                if (info.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    yield return new SiteItem(relative, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, default);
                }
                else if (info is DirectoryInfo)
                {
                    pending.Push((info.FullName, relative));
                    yield return new SiteItem(relative, ManifestEntryTypes.Directory, 0, FileModes.Of(info), default);
                }
                else
                {
                    yield return new SiteItem(relative, ManifestEntryTypes.File, ((FileInfo)info).Length, FileModes.Of(info), info.LastWriteTimeUtc);
                }
            }
        }
    }

    /// <summary><see cref="Walk"/>, sorted ordinally by path (which also puts every folder before what it holds).</summary>
    public static List<SiteItem> List(string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken)
    {
        var items = Walk(root, skipped, cancellationToken).ToList();
        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return items;
    }

    public static EntryKind KindOf(string fullPath)
    {
        var attributes = new FileInfo(fullPath).Attributes;
        if ((int)attributes == -1)
        {
            return EntryKind.Missing;
        }

        return attributes.HasFlag(FileAttributes.ReparsePoint) ? EntryKind.Symlink
            : attributes.HasFlag(FileAttributes.Directory) ? EntryKind.Directory
            : EntryKind.File;
    }
}
