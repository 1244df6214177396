using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>A component found in a site (a plugin, a theme), by its folder (or file) name, its header name and version.</summary>
public sealed record FoundComponent(string Id, string Name, string Version);

/// <summary>
/// Reads a site's components from the files themselves, as its recipe says they are laid out
/// (<see cref="ComponentRecipe"/>) and the way WordPress does it for plugins and themes: a folder of the components'
/// folder whose header file (any file of the main file's extension there, or the one named file) has the name header;
/// with loose files, such a file directly in the components' folder too. Symbolic links are not followed.
/// </summary>
public static class ComponentInventory
{
    public static IReadOnlyList<FoundComponent> Find(string siteRoot, ComponentRecipe component) =>
        FindAsync(LocalSiteFileSystem.Instance, siteRoot, component, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>WordPress's plugins (<see cref="ApplicationRecipes.WordPress"/>).</summary>
    public static IReadOnlyList<FoundComponent> WordPressPlugins(string siteRoot) => Find(siteRoot, ApplicationRecipes.WordPress.Component("plugin")!);

    /// <summary>WordPress's themes (<see cref="ApplicationRecipes.WordPress"/>).</summary>
    public static IReadOnlyList<FoundComponent> WordPressThemes(string siteRoot) => Find(siteRoot, ApplicationRecipes.WordPress.Component("theme")!);

    public static async Task<IReadOnlyList<FoundComponent>> FindAsync(ISiteFileSystem files, string siteRoot, ComponentRecipe component, CancellationToken cancellationToken)
    {
        var folder = Path.Join(siteRoot, component.Folder);
        var found = new List<FoundComponent>();
        if (files.Stat(folder).Kind != EntryKind.Directory)
        {
            return found;
        }

        var anyOfExtension = component.MainFile.StartsWith("*.", StringComparison.Ordinal);
        var entries = files.List(folder).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        if (component.LooseFiles && anyOfExtension)
        {
            foreach (var file in entries.Where(e => IsMainFile(e.Name, component) && e.Info.Kind == EntryKind.File))
            {
                if (await ReadAsync(files, Path.Join(folder, file.Name), component, cancellationToken) is { } header)
                {
                    found.Add(new FoundComponent(Path.GetFileNameWithoutExtension(file.Name), header.Name, header.Version));
                }
            }
        }

        foreach (var directory in entries.Where(e => e.Info.Kind == EntryKind.Directory))
        {
            var inside = Path.Join(folder, directory.Name);
            IEnumerable<string> candidates = anyOfExtension
                ? files.List(inside).Where(e => IsMainFile(e.Name, component) && e.Info.Kind == EntryKind.File).Select(e => e.Name).Order(StringComparer.Ordinal)
                : files.Stat(Path.Join(inside, component.MainFile)).Kind == EntryKind.File ? [component.MainFile] : Array.Empty<string>();
            foreach (var file in candidates)
            {
                if (await ReadAsync(files, Path.Join(inside, file), component, cancellationToken) is { } header)
                {
                    found.Add(new FoundComponent(directory.Name, header.Name, header.Version));
                    break;
                }
            }
        }

        return found.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    private static bool IsMainFile(string name, ComponentRecipe component) =>
        name.EndsWith(component.MainFile[1..], StringComparison.Ordinal);

    private static async Task<(string Name, string Version)?> ReadAsync(ISiteFileSystem files, string file, ComponentRecipe component, CancellationToken cancellationToken)
    {
        string text;
        await using (var stream = await files.OpenReadAsync(file, cancellationToken))
        {
            text = await WordPressHeaders.ReadStartAsync(stream, cancellationToken);
        }

        return WordPressHeaders.Field(text, component.NameHeader) is { } name ? (name, WordPressHeaders.Field(text, component.VersionHeader) ?? "") : null;
    }
}
