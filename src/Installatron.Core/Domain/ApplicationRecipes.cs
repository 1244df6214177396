namespace Installatron.Core.Domain;

/// <summary>
/// The recipes the catalog starts with, until an administrator stores one of its own for an application
/// (<c>POST /browser/{app}/recipe</c>): WordPress, the first application, and the plain recipe every other application
/// gets (its files replaced, nothing read from them). Written once here, as data.
/// </summary>
public static class ApplicationRecipes
{
    public static readonly ApplicationRecipe WordPress = new()
    {
        Name = "WordPress",
        PreservedPaths = ["wp-content", "wp-config.php", ".htaccess"],
        MaintenanceFile = ".maintenance",
        MaintenanceContent = "<?php $upgrading = {unixtime}; ?>",
        BundledFolders = ["wp-content/plugins", "wp-content/themes"],
        PackageHolds = ["wp-includes/version.php", "wp-admin/"],
        Version = new VersionSource("wp-includes/version.php", PhpVariable: "wp_version", DbPhpVariable: "wp_db_version"),
        HealthPaths = ["", "wp-login.php"],
        FatalMarkers = ["Fatal error", "Parse error", "There has been a critical error on this website", "Error establishing a database connection"],
        UpgradePath = "wp-admin/upgrade.php?step=1",
        Components =
        [
            new ComponentRecipe("plugin", "wp-content/plugins", "wp-plugin-", "*.php", "Plugin Name", LooseFiles: true, ActivationOption: "active_plugins"),
            new ComponentRecipe("theme", "wp-content/themes", "wp-theme-", "style.css", "Theme Name", ActivationOption: "stylesheet", SingleActive: true),
        ],
        Config = new ConfigRecipe(
            "wp-config.php",
            new Dictionary<string, string> { ["DB_NAME"] = "db_name", ["DB_USER"] = "db_user", ["DB_PASSWORD"] = "db_pass", ["DB_HOST"] = "db_host" },
            new Dictionary<string, string> { ["table_prefix"] = "db_prefix" },
            AlsoInParent: true,
            ParentUnless: "wp-settings.php"),
        Database = new DatabaseRecipe("options", "option_name", "option_value", VersionOption: "db_version"),
        Core = new CoreRecipe(["wp-admin", "wp-includes"], "wp-content", ["wp-config.php"]),
        LinkAdmin = "wp-admin",
    };

    /// <summary>An application with no recipe of its own: its files replaced from its packages, its front page checked.</summary>
    public static readonly ApplicationRecipe Plain = new();

    /// <summary>The recipes the catalog has without being told, by application.</summary>
    public static readonly IReadOnlyDictionary<string, ApplicationRecipe> BuiltIn =
        new Dictionary<string, ApplicationRecipe>(StringComparer.Ordinal) { [Applications.WordPress] = WordPress };
}
