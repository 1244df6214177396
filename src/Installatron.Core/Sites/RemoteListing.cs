using System.Globalization;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// One entry of a remote <c>find</c> listing: type (<c>f</c>, <c>d</c>, <c>l</c>, or another of find's letters), mode,
/// size, relative path, link target, and modification time (whole seconds since the Unix epoch, what SFTP carries too).
/// </summary>
internal sealed record Listed(char Type, int Mode, long Size, string Path, string LinkTarget, long ModifiedSeconds = 0)
{
    /// <summary>The entry as lstat would describe it (a file's time to the second, as SFTP's).</summary>
    public SiteEntryInfo Info => Type switch
    {
        'f' => new SiteEntryInfo(EntryKind.File, Size, Mode, DateTimeOffset.FromUnixTimeSeconds(ModifiedSeconds)),
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
        var result = await shell.RunAsync($"cd -- {ShellText.Quote(root)} && find . -mindepth 1 {Prune(excludes)}-printf '%y\\0%m\\0%s\\0%P\\0%l\\0%T@\\0'", null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IOException($"Listing {root} on the site's server failed ({result.ExitStatus}): {result.Error.Trim()}");
        }

        var fields = ShellText.SplitNul(result.Output).ToList();
        var items = new List<Listed>(fields.Count / 6);
        for (var i = 0; i + 5 < fields.Count; i += 6)
        {
            var type = fields[i][0];
            if (plainOnly && type is not ('f' or 'd' or 'l'))
            {
                return null;
            }

            items.Add(new Listed(type, Convert.ToInt32(fields[i + 1], 8), long.Parse(fields[i + 2], CultureInfo.InvariantCulture), fields[i + 3], fields[i + 4],
                WholeSeconds(fields[i + 5])));
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return items;
    }

    /// <summary>find's <c>%T@</c> ("1709618828.1234567890", before 1970 "-12.5") to the second, rounded down as stat's seconds are.</summary>
    private static long WholeSeconds(string text)
    {
        var dot = text.IndexOf('.');
        var seconds = long.Parse(dot < 0 ? text : text[..dot], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text.StartsWith('-') && dot >= 0 && text[(dot + 1)..].Any(c => c != '0') ? seconds - 1 : seconds;
    }

    /// <summary>find's expression pruning <paramref name="excludes"/> (relative paths, taken literally), or nothing.</summary>
    private static string Prune(IReadOnlyList<string> excludes) => excludes.Count == 0 ? ""
        : "\\( " + string.Join(" -o ", excludes.Select(e => "-path " + ShellText.Quote("./" + EscapeGlob(e)))) + " \\) -prune -o ";

    private static string EscapeGlob(string path) =>
        new StringBuilder(path).Replace("\\", "\\\\").Replace("*", "\\*").Replace("?", "\\?").Replace("[", "\\[").ToString();
}

