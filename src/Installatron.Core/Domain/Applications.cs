namespace Installatron.Core.Domain;

/// <summary>What differs between applications. WordPress is the first application; more come as catalog recipes.</summary>
public static class Applications
{
    public const string WordPress = "wordpress";

    /// <summary>Catalog applications of WordPress plugins' and themes' packages: <c>wp-plugin-akismet</c>, <c>wp-theme-twentytwentyfive</c>.</summary>
    public const string WordPressPluginPrefix = "wp-plugin-";

    public const string WordPressThemePrefix = "wp-theme-";

    public static bool HasPluginsAndThemes(string application) => application == WordPress;

    /// <summary>What an application's packages must hold (<see cref="Sites.PackageKinds"/>), and for a plugin or theme its folder's name.</summary>
    public static (string Kind, string Slug) PackageKindOf(string application) =>
        application == WordPress ? (Sites.PackageKinds.WordPress, "")
        : application.StartsWith(WordPressPluginPrefix, StringComparison.Ordinal) ? (Sites.PackageKinds.WordPressPlugin, application[WordPressPluginPrefix.Length..])
        : application.StartsWith(WordPressThemePrefix, StringComparison.Ordinal) ? (Sites.PackageKinds.WordPressTheme, application[WordPressThemePrefix.Length..])
        : (Sites.PackageKinds.Files, "");

    /// <summary>
    /// The plugins on disk, with their activation from the site's database when it could be read (else what the
    /// install knew); autoup is kept; new ones get autoup all.
    /// </summary>
    public static IReadOnlyList<PluginInfo> RefreshPlugins(string siteRoot, IReadOnlyList<PluginInfo> known, Databases.WordPressActivation? activation = null) =>
        Sites.WordPressInventory.Plugins(siteRoot).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var activated = activation?.Plugins.Contains(found.Id) ?? knew?.Activated ?? false;
            return (knew ?? new PluginInfo(found.Id, found.Version, activated)) with { Version = found.Version, Activated = activated };
        }).ToList();

    /// <summary>The themes on disk, with the active one from the site's database when it could be read.</summary>
    public static IReadOnlyList<ThemeInfo> RefreshThemes(string siteRoot, IReadOnlyList<ThemeInfo> known, Databases.WordPressActivation? activation = null) =>
        Sites.WordPressInventory.Themes(siteRoot).Select(found =>
        {
            var knew = known.FirstOrDefault(k => k.Id == found.Id);
            var active = activation is null ? knew?.Active ?? false : activation.Theme == found.Id;
            return (knew ?? new ThemeInfo(found.Id, found.Version, active)) with { Version = found.Version, Active = active };
        }).ToList();

    /// <summary>The install's activation state, read from its database when it has one.</summary>
    public static async Task<Databases.WordPressActivation?> ReadActivationAsync(Install install, CancellationToken cancellationToken) =>
        Databases.InstallDatabase.For(install) is { } database
            ? await Databases.WordPressOptions.ReadActivationAsync(database, install.DbPrefix, cancellationToken)
            : null;
}
