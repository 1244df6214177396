using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Workflow;

/// <summary>Which components of each kind a site has switched on (by their ID), as its database says.</summary>
public sealed record Activation(IReadOnlyDictionary<string, IReadOnlySet<string>> Active)
{
    public bool? IsActive(string kind, string id) => Active.TryGetValue(kind, out var ids) ? ids.Contains(id) : null;
}

/// <summary>
/// A site's components (WordPress: plugins and themes) as its files and its database say, by its recipe
/// (<see cref="ApplicationRecipe.Components"/>): at import, and after every update.
/// </summary>
public static class SiteInventory
{
    /// <summary>
    /// The plugins on disk, with their activation from the site's database when it could be read (else what the
    /// install knew); autoup is kept; new ones get autoup all.
    /// </summary>
    public static async Task<IReadOnlyList<PluginInfo>> RefreshPluginsAsync(
        ApplicationRecipe recipe, ISiteFileSystem files, string siteRoot, IReadOnlyList<PluginInfo> known, Activation? activation, CancellationToken cancellationToken) =>
        recipe.Component("plugin") is not { } plugin ? known : (await ComponentInventory.FindAsync(files, siteRoot, plugin, cancellationToken)).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var activated = activation?.IsActive(plugin.Kind, found.Id) ?? knew?.Activated ?? false;
            return (knew ?? new PluginInfo(found.Id, found.Version, activated)) with { Version = found.Version, Activated = activated };
        }).ToList();

    /// <summary>The themes on disk, with the active one from the site's database when it could be read.</summary>
    public static async Task<IReadOnlyList<ThemeInfo>> RefreshThemesAsync(
        ApplicationRecipe recipe, ISiteFileSystem files, string siteRoot, IReadOnlyList<ThemeInfo> known, Activation? activation, CancellationToken cancellationToken) =>
        recipe.Component("theme") is not { } theme ? known : (await ComponentInventory.FindAsync(files, siteRoot, theme, cancellationToken)).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var active = activation?.IsActive(theme.Kind, found.Id) ?? knew?.Active ?? false;
            return (knew ?? new ThemeInfo(found.Id, found.Version, active)) with { Version = found.Version, Active = active };
        }).ToList();

    /// <summary>
    /// What the install's database (as <paramref name="site"/> reaches it: through the SSH connection for a remote
    /// site) says is switched on; <c>null</c> when it has none or it cannot be read.
    /// </summary>
    public static async Task<Activation?> ReadActivationAsync(ApplicationRecipe recipe, SiteConnection site, Install install, CancellationToken cancellationToken)
    {
        var components = recipe.Components.Where(c => c.ActivationOption is not null).ToList();
        if (recipe.Database is not { } options || components.Count == 0 || InstallDatabase.For(install) is not { } database)
        {
            return null;
        }

        IReadOnlyDictionary<string, string>? values;
        try
        {
            values = await SiteOptions.TryReadAsync(await site.DatabaseAsync(database, cancellationToken), install.DbPrefix, options,
                components.Select(c => c.ActivationOption!).ToList(), cancellationToken);
        }
        catch (DatabaseException)
        {
            // Best effort, as reading the options is (a socket a tunnel cannot reach): what the install knew stands.
            values = null;
        }

        if (values is null)
        {
            return null;
        }

        var active = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            var value = values.GetValueOrDefault(component.ActivationOption!, "");
            active[component.Kind] = component.SingleActive
                ? new HashSet<string>(value.Length == 0 ? [] : [value], StringComparer.Ordinal)
                : SiteOptions.SerializedStrings(value).Select(IdOfMainFile).ToHashSet(StringComparer.Ordinal);
        }

        return new Activation(active);
    }

    /// <summary>A component's ID from the file the database names (<c>akismet/akismet.php</c> → <c>akismet</c>, <c>hello.php</c> → <c>hello</c>).</summary>
    private static string IdOfMainFile(string file) => file.Contains('/') ? file[..file.IndexOf('/')] : Path.GetFileNameWithoutExtension(file);
}
