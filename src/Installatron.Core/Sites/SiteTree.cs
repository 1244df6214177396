using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>What is at a path, without following a symbolic link there.</summary>
public enum EntryKind
{
    Missing,
    File,
    Directory,
    Symlink,
}

/// <summary>One entry found on disk by <see cref="SiteTree"/>; on this machine with the <c>statx</c> it was described by.</summary>
internal sealed record SiteItem(string Path, string Type, long Size, int Mode, DateTimeOffset Modified)
{
    public UnixFileStatus? Status { get; init; }
}

/// <summary>Lists a site: files, directories and symbolic links (never followed), sorted ordinally by relative path.</summary>
internal static class SiteTree
{
    /// <summary>
    /// Every entry under <paramref name="root"/> except those under <paramref name="skipped"/> (relative paths), a
    /// folder before what it holds, otherwise in no particular order; streamed, one folder listing at a time.
    /// </summary>
    public static IEnumerable<SiteItem> Walk(string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken) =>
        Walk(LocalSiteFileSystem.Instance, root, skipped, cancellationToken);

    /// <inheritdoc cref="Walk(string, IReadOnlyList{string}, CancellationToken)"/>
    public static IEnumerable<SiteItem> Walk(ISiteFileSystem files, string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken)
    {
        var pending = new Stack<(string Full, string Relative)>();
        pending.Push((root, ""));
        while (pending.TryPop(out var directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (name, info, status) in Entries(files, directory.Full))
            {
                var relative = directory.Relative.Length == 0 ? name : $"{directory.Relative}/{name}";
                if (SitePaths.IsUnderAny(relative, skipped))
                {
                    continue;
                }

                switch (info.Kind)
                {
                    case EntryKind.Symlink:
                        yield return new SiteItem(relative, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, default);
                        break;
                    case EntryKind.Directory:
                        pending.Push((Path.Join(directory.Full, name), relative));
                        yield return new SiteItem(relative, ManifestEntryTypes.Directory, 0, info.Mode, default) { Status = status };
                        break;
                    case EntryKind.File:
                        yield return new SiteItem(relative, ManifestEntryTypes.File, info.Size, info.Mode, info.Modified) { Status = status };
                        break;
                }
            }
        }
    }

    /// <summary>A folder's entries; on this machine (Linux) with the status of the one <c>statx</c> that described each.</summary>
    private static IEnumerable<(string Name, SiteEntryInfo Info, UnixFileStatus? Status)> Entries(ISiteFileSystem files, string directory) =>
        files is LocalSiteFileSystem && OperatingSystem.IsLinux()
            ? LocalSiteFileSystem.ListWithStatus(directory)
            : files.List(directory).Select(e => (e.Name, e.Info, (UnixFileStatus?)null));

    /// <summary><see cref="Walk(ISiteFileSystem, string, IReadOnlyList{string}, CancellationToken)"/>, sorted ordinally by path (which also puts every folder before what it holds).</summary>
    public static List<SiteItem> List(ISiteFileSystem files, string root, IReadOnlyList<string> skipped, CancellationToken cancellationToken)
    {
        var items = Walk(files, root, skipped, cancellationToken).ToList();
        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return items;
    }

    public static EntryKind KindOf(string fullPath) => LocalSiteFileSystem.Instance.Stat(fullPath).Kind;

    public static EntryKind KindOf(ISiteFileSystem files, string fullPath) => files.Stat(fullPath).Kind;
}
