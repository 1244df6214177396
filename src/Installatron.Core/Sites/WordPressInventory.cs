using Installatron.Core.Sites.Access;

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
    public static IReadOnlyList<WordPressComponent> Plugins(string siteRoot) =>
        PluginsAsync(LocalSiteFileSystem.Instance, siteRoot, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<WordPressComponent> Themes(string siteRoot) =>
        ThemesAsync(LocalSiteFileSystem.Instance, siteRoot, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<WordPressComponent>> PluginsAsync(ISiteFileSystem files, string siteRoot, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(siteRoot, "wp-content", "plugins");
        var found = new List<WordPressComponent>();
        if (files.Stat(folder).Kind != EntryKind.Directory)
        {
            return found;
        }

        var entries = files.List(folder).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var file in entries.Where(e => IsPhp(e.Name) && e.Info.Kind == EntryKind.File))
        {
            if (await ReadAsync(files, Path.Join(folder, file.Name), WordPressHeaders.PluginName, cancellationToken) is { } header)
            {
                found.Add(new WordPressComponent(Path.GetFileNameWithoutExtension(file.Name), header.Name, header.Version));
            }
        }

        foreach (var directory in entries.Where(e => e.Info.Kind == EntryKind.Directory))
        {
            var inside = Path.Join(folder, directory.Name);
            foreach (var file in files.List(inside).Where(e => IsPhp(e.Name) && e.Info.Kind == EntryKind.File).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (await ReadAsync(files, Path.Join(inside, file.Name), WordPressHeaders.PluginName, cancellationToken) is { } header)
                {
                    found.Add(new WordPressComponent(directory.Name, header.Name, header.Version));
                    break;
                }
            }
        }

        return found.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public static async Task<IReadOnlyList<WordPressComponent>> ThemesAsync(ISiteFileSystem files, string siteRoot, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(siteRoot, "wp-content", "themes");
        var found = new List<WordPressComponent>();
        if (files.Stat(folder).Kind != EntryKind.Directory)
        {
            return found;
        }

        foreach (var directory in files.List(folder).Where(e => e.Info.Kind == EntryKind.Directory).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var style = Path.Join(folder, directory.Name, "style.css");
            if (files.Stat(style).Kind == EntryKind.File
                && await ReadAsync(files, style, WordPressHeaders.ThemeName, cancellationToken) is { } header)
            {
                found.Add(new WordPressComponent(directory.Name, header.Name, header.Version));
            }
        }

        return found;
    }

    private static bool IsPhp(string name) => name.EndsWith(".php", StringComparison.Ordinal);

    private static async Task<(string Name, string Version)?> ReadAsync(ISiteFileSystem files, string file, string nameHeader, CancellationToken cancellationToken)
    {
        string text;
        await using (var stream = await files.OpenReadAsync(file, cancellationToken))
        {
            text = await WordPressHeaders.ReadStartAsync(stream, cancellationToken);
        }

        return WordPressHeaders.Field(text, nameHeader) is { } name ? (name, WordPressHeaders.Field(text, WordPressHeaders.Version) ?? "") : null;
    }
}
