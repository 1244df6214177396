namespace Installatron.Core.Sites;

/// <summary>A plugin or theme found in a WordPress site, by its folder (or file) name and header version.</summary>
public sealed record WordPressComponent(string Id, string Name, string Version);

/// <summary>
/// Reads a WordPress site's plugins and themes from the files themselves, the way WordPress does: a plugin is a PHP
/// file directly in <c>wp-content/plugins</c> or one level below it with a <c>Plugin Name:</c> header; a theme is a
/// folder of <c>wp-content/themes</c> whose <c>style.css</c> has a <c>Theme Name:</c> header. Symbolic links are
/// not followed.
/// </summary>
public static class WordPressInventory
{
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
            if (Read(file, WordPressHeaders.PluginName) is { } header)
            {
                found.Add(new WordPressComponent(Path.GetFileNameWithoutExtension(file), header.Name, header.Version));
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(folder).Where(IsRealDirectory).Order(StringComparer.Ordinal))
        {
            var header = Directory.EnumerateFiles(directory, "*.php").Order(StringComparer.Ordinal)
                .Select(file => Read(file, WordPressHeaders.PluginName)).FirstOrDefault(h => h is not null);
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
            .Select(directory => (Id: Path.GetFileName(directory), Header: Read(Path.Combine(directory, "style.css"), WordPressHeaders.ThemeName)))
            .Where(theme => theme.Header is not null)
            .Select(theme => new WordPressComponent(theme.Id, theme.Header!.Value.Name, theme.Header.Value.Version))
            .ToList();
    }

    private static (string Name, string Version)? Read(string file, string nameHeader)
    {
        if (!File.Exists(file) || new FileInfo(file).LinkTarget is not null)
        {
            return null;
        }

        string text;
        using (var stream = File.OpenRead(file))
        {
            text = WordPressHeaders.ReadStart(stream);
        }

        return WordPressHeaders.Field(text, nameHeader) is { } name ? (name, WordPressHeaders.Field(text, WordPressHeaders.Version) ?? "") : null;
    }

    private static bool IsRealDirectory(string path) => Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null;
}
