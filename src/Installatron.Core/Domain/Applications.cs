namespace Installatron.Core.Domain;

/// <summary>What differs between applications. WordPress is the first application; more come as catalog recipes.</summary>
public static class Applications
{
    public const string WordPress = "wordpress";

    /// <summary>Catalog applications of WordPress plugins' and themes' packages: <c>wp-plugin-akismet</c>, <c>wp-theme-twentytwentyfive</c>.</summary>
    public const string WordPressPluginPrefix = "wp-plugin-";

    public const string WordPressThemePrefix = "wp-theme-";

    public static bool HasPluginsAndThemes(string application) => application == WordPress;

    /// <summary>What an application's packages must hold (<see cref="PackageKinds"/>), and for a plugin or theme its folder's name.</summary>
    public static (string Kind, string Slug) PackageKindOf(string application) =>
        application == WordPress ? (PackageKinds.WordPress, "")
        : application.StartsWith(WordPressPluginPrefix, StringComparison.Ordinal) ? (PackageKinds.WordPressPlugin, application[WordPressPluginPrefix.Length..])
        : application.StartsWith(WordPressThemePrefix, StringComparison.Ordinal) ? (PackageKinds.WordPressTheme, application[WordPressThemePrefix.Length..])
        : (PackageKinds.Files, "");
}
