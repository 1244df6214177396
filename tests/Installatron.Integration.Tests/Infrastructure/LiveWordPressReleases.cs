namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// The core releases of the live site (<see cref="LiveWordPress"/>) in wordpress.org's layout, rooted at
/// <c>wordpress/</c> with wp-content's bundled plugins and themes (and a bundled plugin this site's owner deleted):
/// its own 6.1.9, and a "6.1.10" built from the same tree with one file added, one removed, a database schema one
/// step on and a new bundled theme. Shared by the live-site tests and bench/live.sh.
/// </summary>
public static class LiveWordPressReleases
{
    public const string RemovedFile = "wp-links-opml.php";
    public const string AddedFile = "wp-includes/installatron-6-1-10.php";
    public const string NewBundledTheme = "wp-content/themes/installatron-bundled";
    public const string DeletedBundledPlugin = "wp-content/plugins/hello-dolly";
    public const string DbVersion = "53496";
    public const string NextDbVersion = "53497";
    public const string Next = "6.1.10";
    public const string Org = "wordpress/";

    private const string HelloDolly = "<?php\n/*\nPlugin Name: Hello Dolly\nVersion: 1.7.2\n*/\n";

    /// <summary>The installed release's package (6.1.9).</summary>
    public static string CurrentPackage(LiveWordPress wordpress) =>
        wordpress.CorePackage("wordpress-" + LiveWordPress.Version, new Dictionary<string, string?>
        {
            [$"{DeletedBundledPlugin}/hello.php"] = HelloDolly,
        }, Org);

    /// <summary>The newer release's package (<see cref="Next"/>).</summary>
    public static string NextPackage(LiveWordPress wordpress) =>
        wordpress.CorePackage("wordpress-" + Next, new Dictionary<string, string?>
        {
            ["wp-includes/version.php"] = VersionFile(Next, NextDbVersion),
            [AddedFile] = "<?php\n// Added in 6.1.10 (test package).\n",
            [RemovedFile] = null,
            ["readme.html"] = "<html><body><h1>WordPress 6.1.10 (test package)</h1></body></html>\n",
            [$"{DeletedBundledPlugin}/hello.php"] = HelloDolly,
            [$"{NewBundledTheme}/style.css"] = "/*\nTheme Name: Installatron Bundled\nVersion: 1.0\n*/\n",
            [$"{NewBundledTheme}/index.php"] = "<?php\n// Silence is golden.\n",
        }, Org);

    /// <summary>Debian's wp-includes/version.php with another version and database schema.</summary>
    public static string VersionFile(string version, string dbVersion) =>
        File.ReadAllText(Path.Combine(LiveWordPress.DebianTree, "wp-includes", "version.php"))
            .Replace($"$wp_version = '{LiveWordPress.Version}';", $"$wp_version = '{version}';", StringComparison.Ordinal)
            .Replace($"$wp_db_version = {DbVersion};", $"$wp_db_version = {dbVersion};", StringComparison.Ordinal);
}
