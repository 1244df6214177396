using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Workflow;

/// <summary>What each application keeps, and how it signals maintenance. WordPress is the first recipe.</summary>
public static class Recipes
{
    public static SiteRecipe For(string application) =>
        application == Applications.WordPress ? SiteRecipe.WordPress : new SiteRecipe(".maintenance", []);

    public static string PluginDirectory(string id) => $"wp-content/plugins/{id}";

    public static string ThemeDirectory(string id) => $"wp-content/themes/{id}";

    /// <summary>Catalog application of a WordPress plugin's or theme's packages: <c>wp-plugin-akismet</c>, <c>wp-theme-twentytwentyfive</c>.</summary>
    public static string PluginApplication(string id) => Applications.WordPressPluginPrefix + id;

    public static string ThemeApplication(string id) => Applications.WordPressThemePrefix + id;
}
