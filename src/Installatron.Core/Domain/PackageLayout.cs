namespace Installatron.Core.Domain;

/// <summary>What an application's packages must hold (read by <c>Sites.PackageLayoutReader</c>).</summary>
public static class PackageKinds
{
    /// <summary>WordPress core: <c>wp-includes/version.php</c> and <c>wp-admin/</c>, at the top or in one top folder.</summary>
    public const string WordPress = "wordpress";

    /// <summary>A WordPress plugin: rooted at its slug's folder, a main PHP file with <c>Plugin Name:</c> and <c>Version:</c>.</summary>
    public const string WordPressPlugin = "wordpress-plugin";

    /// <summary>A WordPress theme: rooted at its folder, a <c>style.css</c> with <c>Theme Name:</c> and <c>Version:</c>.</summary>
    public const string WordPressTheme = "wordpress-theme";

    /// <summary>Any other application: files rooted at the site, no version read.</summary>
    public const string Files = "files";
}

/// <summary>
/// What a package was found to hold when it was published, stored with its version: its kind; <paramref name="Root"/>,
/// the folder its files sit in inside the zip (<c>""</c>, <c>wordpress/</c>, <c>akismet/</c>), which an update strips;
/// the file the version was read from (a path in the zip); that version; and, for WordPress core, the database
/// schema version it needs (<c>$wp_db_version</c>).
/// </summary>
public sealed record PackageLayout(string Kind, string Root, string VersionFile = "", string Version = "", string DbVersion = "");
