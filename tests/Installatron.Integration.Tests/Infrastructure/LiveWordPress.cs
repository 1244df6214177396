using System.IO.Compression;
using Installatron.Core.Databases;
using Installatron.Databases.Tests.Support;
using Installatron.Processes;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// A live WordPress 6.1.9: Debian's package copied into a folder, an ordinary wp-config.php, installed against its
/// own MariaDB database, served by PHP's built-in server on loopback. Packages of its core (and of its bundled
/// plugin) can be built from the same tree, changed, for the catalog.
/// </summary>
public sealed class LiveWordPress : IAsyncDisposable
{
    public const string DebianTree = "/usr/share/wordpress";
    public const string Title = "Installatron live test site";
    public const string Version = "6.1.9";

    private LiveWordPress(string root, DatabaseConnection database, PhpServer php)
    {
        Root = root;
        Database = database;
        Php = php;
    }

    /// <summary>The folder holding the site (<see cref="SitePath"/>) and the packages built from it.</summary>
    public string Root { get; }

    public string SitePath => Path.Combine(Root, "public_html");

    public DatabaseConnection Database { get; }

    public PhpServer Php { get; }

    public string Url => Php.Url;

    /// <param name="phpSettings">PHP's settings (<c>-d</c>); no OPcache unless given (<see cref="PhpServer.NoOpcache"/>).</param>
    public static async Task<LiveWordPress> StartAsync(MariaDbServer mariadb, string root, IReadOnlyList<string>? phpSettings = null)
    {
        if (!File.Exists(Path.Combine(DebianTree, "wp-includes", "version.php")))
        {
            throw new InvalidOperationException("WordPress is not installed: `apt-get install -y wordpress php-cli php-mysql` (.ci/run does it).");
        }

        var site = Path.Combine(root, "public_html");
        Directory.CreateDirectory(site);
        await RunAsync("cp", "-rL", DebianTree + "/.", site);
        File.Delete(Path.Combine(site, ".htaccess"));
        await File.WriteAllTextAsync(Path.Combine(site, ".htaccess"), "# BEGIN WordPress\n# END WordPress\n");

        var database = await mariadb.CreateDatabaseAsync();
        var php = await PhpServer.StartAsync(site, phpSettings);
        await File.WriteAllTextAsync(Path.Combine(site, "wp-config.php"), Config(database, php.Url));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var install = await http.PostAsync(php.Url + "/wp-admin/install.php?step=2", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["weblog_title"] = Title,
            ["user_name"] = "admin",
            ["admin_password"] = "admin-password-1",
            ["admin_password2"] = "admin-password-1",
            ["pw_weak"] = "1",
            ["admin_email"] = "admin@example.com",
            ["blog_public"] = "0",
        }));
        var front = await http.GetStringAsync(php.Url + "/");
        if (!front.Contains(Title, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"WordPress did not install: the front page shows no title ({(int)install.StatusCode}).");
        }

        return new LiveWordPress(root, database, php);
    }

    /// <summary>The wp_ tables WordPress created.</summary>
    public async Task<IReadOnlyList<string>> TablesAsync()
    {
        var names = await TestSql.ScalarAsync(Database,
            "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = DATABASE()");
        return ((string)names!).Split(',');
    }

    /// <summary>
    /// A zip of the site's core (everything but wp-content, wp-config.php, .htaccess), changed by <paramref name="change"/>
    /// (path → new content, null = removed). In the wordpress.org layout (<paramref name="root"/> <c>wordpress/</c>) it
    /// also ships wp-content's bundled plugins and themes, as wordpress.org's zips do.
    /// </summary>
    public string CorePackage(string name, IReadOnlyDictionary<string, string?> change, string root = "")
    {
        var path = Path.Combine(Root, name + ".zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(SitePath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(SitePath, file).Replace('\\', '/');
            var bundled = root.Length > 0 && (relative == "wp-content/index.php"
                || relative.StartsWith("wp-content/plugins/", StringComparison.Ordinal) || relative.StartsWith("wp-content/themes/", StringComparison.Ordinal));
            if ((relative.StartsWith("wp-content/", StringComparison.Ordinal) && !bundled) || relative is "wp-config.php" or ".htaccess" || change.ContainsKey(relative))
            {
                continue;
            }

            zip.CreateEntryFromFile(file, root + relative, CompressionLevel.Fastest);
        }

        foreach (var (relative, content) in change.Where(c => c.Value is not null))
        {
            using var writer = new StreamWriter(zip.CreateEntry(root + relative, CompressionLevel.Fastest).Open());
            writer.Write(content);
        }

        return path;
    }

    /// <summary>A plugin zip (rooted at its folder, as WordPress ships plugins) of a bundled plugin with its version header changed.</summary>
    public string PluginPackage(string id, string newVersion) => ComponentPackage("plugins", id, $"{id}.php", newVersion);

    /// <summary>A theme zip (rooted at its folder, as WordPress ships themes) of a bundled theme with its style.css version changed.</summary>
    public string ThemePackage(string id, string newVersion) => ComponentPackage("themes", id, "style.css", newVersion);

    private string ComponentPackage(string kind, string id, string mainFile, string newVersion)
    {
        var folder = Path.Combine(SitePath, "wp-content", kind, id);
        var path = Path.Combine(Root, $"{id}-{newVersion}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = id + "/" + Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative != $"{id}/{mainFile}")
            {
                zip.CreateEntryFromFile(file, relative, CompressionLevel.Fastest);
                continue;
            }

            var content = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(file), @"^Version: .*$", $"Version: {newVersion}",
                System.Text.RegularExpressions.RegexOptions.Multiline);
            using var writer = new StreamWriter(zip.CreateEntry(relative, CompressionLevel.Fastest).Open());
            writer.Write(content);
        }

        return path;
    }

    /// <summary>WordPress's <c>db_version</c> option: the schema its database upgrade last reached.</summary>
    public async Task<string> DbVersionAsync() =>
        (string)(await TestSql.ScalarAsync(Database, "SELECT option_value FROM wp_options WHERE option_name = 'db_version'"))!;

    public async ValueTask DisposeAsync() => await Php.DisposeAsync();

    private static string Config(DatabaseConnection database, string url) => $$"""
        <?php
        define('DB_NAME', '{{PhpString(database.Name)}}');
        define('DB_USER', '{{PhpString(database.User)}}');
        define('DB_PASSWORD', '{{PhpString(database.Password)}}');
        define('DB_HOST', '{{database.Host}}:{{database.Port}}');
        define('DB_CHARSET', 'utf8mb4');
        define('DB_COLLATE', '');
        define('AUTH_KEY', 'test'); define('SECURE_AUTH_KEY', 'test'); define('LOGGED_IN_KEY', 'test'); define('NONCE_KEY', 'test');
        define('AUTH_SALT', 'test'); define('SECURE_AUTH_SALT', 'test'); define('LOGGED_IN_SALT', 'test'); define('NONCE_SALT', 'test');
        define('WP_HOME', '{{url}}');
        define('WP_SITEURL', '{{url}}');
        define('AUTOMATIC_UPDATER_DISABLED', true);
        define('DISABLE_WP_CRON', true);
        define('WP_HTTP_BLOCK_EXTERNAL', true);
        $table_prefix = 'wp_';
        if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }
        require_once ABSPATH . 'wp-settings.php';
        """;

    private static string PhpString(string value) => value.Replace("\\", "\\\\").Replace("'", "\\'");

    private static async Task RunAsync(string program, params string[] arguments) =>
        (await ChildProcess.RunAsync(program, arguments, TimeSpan.FromMinutes(2))).EnsureSuccess();
}
