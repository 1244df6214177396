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
    /// Every entry under <paramref name="root"/> except those under <paramref name="skipped"/> (relative paths).
    /// Holds one small record per entry, never file contents.
    /// </summary>
    public static List<SiteItem> List(string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken)
    {
        var items = new List<SiteItem>();
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
                    items.Add(new SiteItem(relative, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, default));
                }
                else if (info is DirectoryInfo)
                {
                    items.Add(new SiteItem(relative, ManifestEntryTypes.Directory, 0, FileModes.Of(info), default));
                    pending.Push((info.FullName, relative));
                }
                else
                {
                    items.Add(new SiteItem(relative, ManifestEntryTypes.File, ((FileInfo)info).Length, FileModes.Of(info), info.LastWriteTimeUtc));
                }
            }
        }

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
