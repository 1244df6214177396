using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>One release the fixture source serves: its files (paths relative to the release's root) and what the API says of it.</summary>
public sealed record FixtureRelease(string Version, IReadOnlyDictionary<string, string> Files)
{
    public string PhpMin { get; init; } = "7.2.24";
    public string MysqlMin { get; init; } = "5.5.5";

    /// <summary>Core: <c>latest</c>/<c>outdated</c>/<c>insecure</c> in the stable check.</summary>
    public bool Insecure { get; init; }

    /// <summary>Files of the zip that differ from <see cref="Files"/> (whose checksums the source publishes): a tampered download.</summary>
    public IReadOnlyDictionary<string, string> ShippedInstead { get; init; } = new Dictionary<string, string>();

    /// <summary>The SHA-1 the download server publishes beside the zip, when it is not the zip's own (a tampered download).</summary>
    public string? PublishedSha1 { get; init; }

    public IReadOnlyDictionary<string, string> Shipped => Files.Concat(ShippedInstead).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    public static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>Release files and zips shaped as wordpress.org ships them: core under <c>wordpress/</c>, a plugin or theme under its slug.</summary>
public static class WordPressReleases
{
    /// <summary>Every entry's time: the same zip bytes from every fixture server.</summary>
    private static readonly DateTimeOffset Released = new(2025, 4, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A small WordPress core: the real tree's shape (root PHP files, wp-admin, wp-includes, the bundled wp-content).</summary>
    public static Dictionary<string, string> Core(string version, int dbVersion = 58975)
    {
        static string Php(string body) => $"<?php\n{body}\n";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["index.php"] = Php("define( 'WP_USE_THEMES', true );\nrequire __DIR__ . '/wp-blog-header.php';"),
            ["license.txt"] = "WordPress - Web publishing software\n\nCopyright 2011-2025 by the contributors\n",
            ["readme.html"] = $"<!DOCTYPE html>\n<html><head><title>WordPress &#8250; ReadMe</title></head>\n<body><h1>Version {version}</h1></body></html>\n",
            ["wp-activate.php"] = Php("define( 'WP_INSTALLING', true );"),
            ["wp-blog-header.php"] = Php("require_once __DIR__ . '/wp-load.php';\nwp();"),
            ["wp-config-sample.php"] = Php("define( 'DB_NAME', 'database_name_here' );\n$table_prefix = 'wp_';"),
            ["wp-cron.php"] = Php("ignore_user_abort( true );"),
            ["wp-load.php"] = Php("define( 'ABSPATH', __DIR__ . '/' );\nrequire_once ABSPATH . 'wp-config.php';"),
            ["wp-login.php"] = Php("require __DIR__ . '/wp-load.php';"),
            ["wp-settings.php"] = Php("require ABSPATH . WPINC . '/version.php';"),
            ["xmlrpc.php"] = Php("define( 'XMLRPC_REQUEST', true );"),
            ["wp-admin/index.php"] = Php("require_once __DIR__ . '/admin.php';"),
            ["wp-admin/about.php"] = Php($"/* About WordPress {version} */"),
            ["wp-admin/includes/update.php"] = Php("function get_core_checksums( $version, $locale ) {}"),
            ["wp-admin/css/about.css"] = ".about__container { max-width: 1000px; }\n",
            ["wp-includes/version.php"] = Php($"$wp_version = '{version}';\n$wp_db_version = {dbVersion};\n$tinymce_version = '49110-20250317';\n$required_php_version = '7.2.24';\n$required_mysql_version = '5.5.5';"),
            ["wp-includes/functions.php"] = Php($"function wp_fixture_release() {{ return '{version}'; }}"),
            ["wp-includes/js/jquery/jquery.min.js"] = "/*! jQuery v3.7.1 */\n",
            ["wp-content/index.php"] = Php("// Silence is golden."),
            ["wp-content/plugins/index.php"] = Php("// Silence is golden."),
            ["wp-content/plugins/hello.php"] = Php("/*\nPlugin Name: Hello Dolly\nVersion: 1.7.2\n*/"),
            ["wp-content/plugins/akismet/akismet.php"] = Php("/*\nPlugin Name: Akismet Anti-spam: Spam Protection\nVersion: 5.3.7\n*/"),
            ["wp-content/themes/index.php"] = Php("// Silence is golden."),
            ["wp-content/themes/twentytwentyfive/style.css"] = "/*\nTheme Name: Twenty Twenty-Five\nVersion: 1.2\n*/\n",
        };
    }

    public static Dictionary<string, string> Plugin(string slug, string name, string version) => new(StringComparer.Ordinal)
    {
        [$"{slug}.php"] = $"<?php\n/*\nPlugin Name: {name}\nVersion: {version}\nRequires PHP: 5.6.20\n*/\n",
        ["readme.txt"] = $"=== {name} ===\nStable tag: {version}\n",
        ["views/config.php"] = "<?php // settings screen\n",
    };

    public static Dictionary<string, string> Theme(string name, string version) => new(StringComparer.Ordinal)
    {
        ["style.css"] = $"/*\nTheme Name: {name}\nVersion: {version}\nRequires PHP: 7.2\n*/\n",
        ["theme.json"] = "{\"version\": 3}\n",
        ["functions.php"] = "<?php // theme setup\n",
    };

    /// <summary>A zip with every file under <paramref name="root"/> (e.g. <c>wordpress/</c>), folder entries first, Unix modes set.</summary>
    public static byte[] Zip(string root, IReadOnlyDictionary<string, string> files)
    {
        var folders = files.Keys.SelectMany(Parents).Distinct().Select(f => root + f + "/");
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var folder in new[] { root }.Where(r => r.Length > 0).Concat(folders).Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(folder);
                entry.ExternalAttributes = 0x41ED << 16;
                entry.LastWriteTime = Released;
            }

            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(root + path, CompressionLevel.Fastest);
                entry.ExternalAttributes = 0x81A4 << 16;
                entry.LastWriteTime = Released;
                using var writer = entry.Open();
                writer.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return stream.ToArray();
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }
}
