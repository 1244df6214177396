using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// Relative paths inside a site: '/'-separated, no '.', '..' or empty segments, never absolute. <see cref="Resolve"/>
/// turns one into a full path and refuses it when a directory on the way is a symbolic link that leads outside the site.
/// </summary>
public static class SitePaths
{
    /// <summary>The canonical form of <paramref name="relativePath"/> (trailing '/' removed); throws when it could escape the root.</summary>
    public static string Normalize(string relativePath) =>
        TryNormalize(relativePath, out var normalized, out var reason)
            ? normalized
            : throw new UnsafePathException($"The path '{relativePath}' {reason}.");

    public static bool TryNormalize(string? relativePath, out string normalized) => TryNormalize(relativePath, out normalized, out _);

    /// <summary>Normalizes a list of paths (an exclude list, preserved paths), dropping duplicates.</summary>
    public static IReadOnlyList<string> NormalizeAll(IEnumerable<string>? relativePaths) =>
        (relativePaths ?? []).Select(Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or lies in the folder <paramref name="prefix"/>.</summary>
    public static bool IsSameOrUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && (path.Length == prefix.Length || path[prefix.Length] == '/' || (prefix.Length > 0 && prefix[^1] == '/'));

    /// <summary>True when <paramref name="path"/> is one of <paramref name="prefixes"/> or lies under one of them.</summary>
    public static bool IsUnderAny(string path, IReadOnlyList<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (IsSameOrUnder(path, prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The full path of <paramref name="relativePath"/> under <paramref name="siteRoot"/>. Every directory on the way
    /// that is a symbolic link must resolve inside the site; the last component is not followed: callers act on it
    /// (replace it, delete it), never through it.
    /// </summary>
    public static string Resolve(string siteRoot, string relativePath) =>
        Resolve(LocalSiteFileSystem.Instance, Path.GetFullPath(siteRoot), Normalize(relativePath), null);

    /// <summary>
    /// <see cref="Resolve(string, string)"/> on <paramref name="files"/> for a normalized path (with <paramref name="includeLast"/>, the last
    /// component is checked like the folders before it: a directory the caller will write into) under a full root; <paramref name="safeDirectories"/>
    /// remembers the relative directories already found to be real directories, so a long walk checks each once.
    /// </summary>
    internal static string Resolve(ISiteFileSystem files, string root, string normalized, HashSet<string>? safeDirectories, bool includeLast = false)
    {
        string? realRoot = null;
        var end = includeLast ? normalized.Length : normalized.LastIndexOf('/');
        var start = 0;
        while (start <= end)
        {
            var slash = normalized.IndexOf('/', start);
            var directory = slash < 0 ? normalized : normalized[..slash];
            var current = Path.Join(root, directory);
            if (safeDirectories is null || !safeDirectories.Contains(directory))
            {
                var kind = files.Stat(current).Kind;
                if (kind == EntryKind.Symlink)
                {
                    realRoot ??= files.RealPath(root);
                    if (!IsSameOrUnder(files.RealPath(current), realRoot))
                    {
                        throw new UnsafePathException(
                            $"The path '{normalized}' goes through the symbolic link '{directory}', which points outside the site.");
                    }
                }
                else if (kind == EntryKind.Directory)
                {
                    safeDirectories?.Add(directory);
                }
            }

            start = slash < 0 ? end + 1 : slash + 1;
        }

        return Path.Join(root, normalized);
    }

    /// <summary>
    /// The full path of a site (or staging) root that must be its own real path: no symbolic link anywhere on it. The
    /// engine is given resolved roots (<see cref="AccountFolder"/>); one that still holds a link was swapped for one.
    /// </summary>
    public static string RequireRealRoot(string root) => RequireRealRoot(LocalSiteFileSystem.Instance, root);

    /// <inheritdoc cref="RequireRealRoot(string)"/>
    public static string RequireRealRoot(ISiteFileSystem files, string root)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var real = files.RealPath(full);
        return real == full
            ? full
            : throw new UnsafePathException($"The folder '{files.Describe(full)}' is reached through a symbolic link (it is really '{real}'); only a site's real path is worked on.");
    }

    /// <summary>The physical path of <paramref name="path"/> on this machine: every symbolic link on it resolved (a missing tail is kept as is).</summary>
    public static string RealPath(string path) => LocalSiteFileSystem.Instance.RealPath(path);

    private static bool TryNormalize(string? path, out string normalized, out string reason)
    {
        normalized = "";
        if (string.IsNullOrEmpty(path))
        {
            reason = "is empty";
            return false;
        }

        if (path.Contains('\0'))
        {
            reason = "holds a NUL character";
            return false;
        }

        if (path[0] == '/' || Path.IsPathRooted(path) || (path.Length > 1 && path[1] == ':'))
        {
            reason = "is absolute; it must be relative to the site";
            return false;
        }

        if (OperatingSystem.IsWindows() && path.Contains('\\'))
        {
            reason = "holds '\\'; separate folders with '/'";
            return false;
        }

        var trimmed = path.TrimEnd('/');
        foreach (var segment in trimmed.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                reason = segment.Length == 0 ? "holds an empty folder name" : $"holds '{segment}'";
                return false;
            }
        }

        normalized = trimmed;
        reason = "";
        return true;
    }
}
