using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Workflow;

/// <summary>A WordPress site's plugins and themes as its files and its database say (import, and after every update).</summary>
public static class SiteInventory
{
    /// <summary>
    /// The plugins on disk, with their activation from the site's database when it could be read (else what the
    /// install knew); autoup is kept; new ones get autoup all.
    /// </summary>
    public static IReadOnlyList<PluginInfo> RefreshPlugins(string siteRoot, IReadOnlyList<PluginInfo> known, WordPressActivation? activation = null) =>
        WordPressInventory.Plugins(siteRoot).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var activated = activation?.Plugins.Contains(found.Id) ?? knew?.Activated ?? false;
            return (knew ?? new PluginInfo(found.Id, found.Version, activated)) with { Version = found.Version, Activated = activated };
        }).ToList();

    /// <summary>The themes on disk, with the active one from the site's database when it could be read.</summary>
    public static IReadOnlyList<ThemeInfo> RefreshThemes(string siteRoot, IReadOnlyList<ThemeInfo> known, WordPressActivation? activation = null) =>
        WordPressInventory.Themes(siteRoot).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var active = activation is null ? knew?.Active ?? false : activation.Theme == found.Id;
            return (knew ?? new ThemeInfo(found.Id, found.Version, active)) with { Version = found.Version, Active = active };
        }).ToList();

    /// <summary>The install's activation state, read from its database when it has one.</summary>
    public static async Task<WordPressActivation?> ReadActivationAsync(Install install, CancellationToken cancellationToken) =>
        InstallDatabase.For(install) is { } database
            ? await WordPressOptions.ReadActivationAsync(database, install.DbPrefix, cancellationToken)
            : null;
}
