using System.Text.RegularExpressions;

namespace Installatron.Core.Sites;

/// <summary>A plugin or theme found in a WordPress site, by its folder (or file) name and header version.</summary>
public sealed record WordPressComponent(string Id, string Name, string Version);

/// <summary>
/// Reads a WordPress site's plugins and themes from the files themselves, the way WordPress does: a plugin is a PHP
/// file directly in <c>wp-content/plugins</c> or one level below it with a <c>Plugin Name:</c> header; a theme is a
/// folder of <c>wp-content/themes</c> whose <c>style.css</c> has a <c>Theme Name:</c> header. Symbolic links are
/// not followed.
/// </summary>
public static partial class WordPressInventory
{
    private const int HeaderBytes = 8192;

    public static IReadOnlyList<WordPressComponent> Plugins(string siteRoot)
    {
        var folder = Path.Combine(siteRoot, "wp-content", "plugins");
        var found = new List<WordPressComponent>();
        if (!IsRealDirectory(folder))
        {
            return found;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.php").Order(StringComparer.Ordinal))
        {
            if (Read(file, PluginName()) is { } header)
            {
                found.Add(new WordPressComponent(Path.GetFileNameWithoutExtension(file), header.Name, header.Version));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(folder).Where(IsRealDirectory).Order(StringComparer.Ordinal))
        {
            var header = Directory.EnumerateFiles(directory, "*.php").Order(StringComparer.Ordinal)
                .Select(file => Read(file, PluginName())).FirstOrDefault(h => h is not null);
            if (header is not null)
            {
                found.Add(new WordPressComponent(Path.GetFileName(directory), header.Value.Name, header.Value.Version));
            }
        }

        return found.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<WordPressComponent> Themes(string siteRoot)
    {
        var folder = Path.Combine(siteRoot, "wp-content", "themes");
        if (!IsRealDirectory(folder))
        {
            return [];
        }

        return Directory.EnumerateDirectories(folder).Where(IsRealDirectory).Order(StringComparer.Ordinal)
            .Select(directory => (Id: Path.GetFileName(directory), Header: Read(Path.Combine(directory, "style.css"), ThemeName())))
            .Where(theme => theme.Header is not null)
            .Select(theme => new WordPressComponent(theme.Id, theme.Header!.Value.Name, theme.Header.Value.Version))
            .ToList();
    }

    private static (string Name, string Version)? Read(string file, Regex nameHeader)
    {
        if (!File.Exists(file) || new FileInfo(file).LinkTarget is not null)
        {
            return null;
        }

        var buffer = new char[HeaderBytes];
        int read;
        using (var reader = new StreamReader(file))
        {
            read = reader.ReadBlock(buffer, 0, buffer.Length);
        }

        var text = new string(buffer, 0, read);
        var name = nameHeader.Match(text);
        if (!name.Success)
        {
            return null;
        }

        var version = VersionHeader().Match(text);
        return (name.Groups["value"].Value.Trim(), version.Success ? version.Groups["value"].Value.Trim() : "");
    }

    private static bool IsRealDirectory(string path) => Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null;

    [GeneratedRegex(@"^[ \t/*#@]*Plugin Name:(?<value>.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex PluginName();

    [GeneratedRegex(@"^[ \t/*#@]*Theme Name:(?<value>.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ThemeName();

    [GeneratedRegex(@"^[ \t/*#@]*Version:(?<value>.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex VersionHeader();
}
