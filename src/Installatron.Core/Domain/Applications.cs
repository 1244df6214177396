namespace Installatron.Core.Domain;

/// <summary>What differs between applications. WordPress is the first application; more come as catalog recipes.</summary>
public static class Applications
{
    public const string WordPress = "wordpress";

    public static bool HasPluginsAndThemes(string application) => application == WordPress;

    /// <summary>The plugins on disk, keeping what the install knew of each (activated, autoup); new ones are inactive, autoup all.</summary>
    public static IReadOnlyList<PluginInfo> RefreshPlugins(string siteRoot, IReadOnlyList<PluginInfo> known) =>
        Sites.WordPressInventory.Plugins(siteRoot).Select(found => known.FirstOrDefault(k => k.Id == found.Id) is { } k
            ? k with { Version = found.Version }
            : new PluginInfo(found.Id, found.Version, false)).ToList();

    /// <summary>The themes on disk, keeping what the install knew of each (active, autoup).</summary>
    public static IReadOnlyList<ThemeInfo> RefreshThemes(string siteRoot, IReadOnlyList<ThemeInfo> known) =>
        Sites.WordPressInventory.Themes(siteRoot).Select(found => known.FirstOrDefault(k => k.Id == found.Id) is { } k
            ? k with { Version = found.Version }
            : new ThemeInfo(found.Id, found.Version, false)).ToList();
}
