using System.Globalization;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>One entry of a remote <c>find</c> listing: type (<c>f</c>, <c>d</c>, <c>l</c>, or another of find's letters), mode, size, relative path, link target.</summary>
internal sealed record Listed(char Type, int Mode, long Size, string Path, string LinkTarget)
{
    /// <summary>The entry as lstat would describe it.</summary>
    public SiteEntryInfo Info => Type switch
    {
        'f' => new SiteEntryInfo(EntryKind.File, Size, Mode, default),
        'd' => new SiteEntryInfo(EntryKind.Directory, 0, Mode, default),
        'l' => new SiteEntryInfo(EntryKind.Symlink, 0, FileModes.Symlink, default),
        _ => new SiteEntryInfo(EntryKind.File, 0, Mode, default),
    };
}

/// <summary>
/// A whole tree listed on the site's host in one command (<c>find -printf</c>, NUL-separated fields): what would
/// otherwise take one SFTP round trip per folder or per file.
/// </summary>
internal static class RemoteListing
{
    /// <summary>True when the shell has the tools a listing needs.</summary>
    public static bool IsAvailable(IRemoteShell? shell) => shell is not null && shell.Tools.Contains("find");

    /// <summary>
    /// Every entry under <paramref name="root"/> but the excluded ones (relative paths, pruned), sorted ordinally;
    /// <c>null</c> when one is neither a file, a folder nor a link and <paramref name="plainOnly"/> is set.
    /// </summary>
    public static async Task<List<Listed>?> ListAsync(
        IRemoteShell shell, string root, IReadOnlyList<string> excludes, CancellationToken cancellationToken, bool plainOnly = true)
    {
        var result = await shell.RunAsync($"cd -- {ShellText.Quote(root)} && find . -mindepth 1 {Prune(excludes)}-printf '%y\\0%m\\0%s\\0%P\\0%l\\0'", null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IOException($"Listing {root} on the site's server failed ({result.ExitStatus}): {result.Error.Trim()}");
        }

        var fields = ShellText.SplitNul(result.Output).ToList();
        var items = new List<Listed>(fields.Count / 5);
        for (var i = 0; i + 4 < fields.Count; i += 5)
        {
            var type = fields[i][0];
            if (plainOnly && type is not ('f' or 'd' or 'l'))
            {
                return null;
            }

            items.Add(new Listed(type, Convert.ToInt32(fields[i + 1], 8), long.Parse(fields[i + 2], CultureInfo.InvariantCulture), fields[i + 3], fields[i + 4]));
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return items;
    }

    /// <summary>find's expression pruning <paramref name="excludes"/> (relative paths, taken literally), or nothing.</summary>
    private static string Prune(IReadOnlyList<string> excludes) => excludes.Count == 0 ? ""
        : "\\( " + string.Join(" -o ", excludes.Select(e => "-path " + ShellText.Quote("./" + EscapeGlob(e)))) + " \\) -prune -o ";

    private static string EscapeGlob(string path) =>
        new StringBuilder(path).Replace("\\", "\\\\").Replace("*", "\\*").Replace("?", "\\?").Replace("[", "\\[").ToString();
}

