using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Installatron.Sites.Tests.Support;

/// <summary>
/// Small WordPress-like sites and packages: core files that change between 6.7.2 and 6.7.3 (one changed, some added,
/// one file and one folder only 6.7.2 ships), the user's <c>wp-content</c>, <c>wp-config.php</c> and <c>.htaccess</c>.
/// </summary>
public static class WordPressFixture
{
    public const string OldVersion = "6.7.2";
    public const string NewVersion = "6.7.3";

    /// <summary>The core files of a version, as its package holds them (paths relative to the site root).</summary>
    public static IReadOnlyDictionary<string, string> CoreFiles(string version)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["index.php"] = "<?php\ndefine('WP_USE_THEMES', true);\nrequire __DIR__ . '/wp-blog-header.php';\n",
            ["wp-blog-header.php"] = "<?php\nrequire_once __DIR__ . '/wp-load.php';\n",
            ["wp-login.php"] = "<?php\necho 'login';\n",
            ["wp-settings.php"] = "<?php\nrequire ABSPATH . 'wp-includes/version.php';\n",
            ["wp-includes/version.php"] = $"<?php\n$wp_version = '{version}';\n",
            ["wp-includes/functions.php"] = $"<?php\nfunction wp_demo() {{ return '{version}'; }}\n",
            ["wp-includes/js/jquery.js"] = "/* jquery */\n",
            ["wp-admin/index.php"] = "<?php\necho 'dashboard';\n",
            ["wp-admin/css/admin.css"] = "body { color: black; }\n",
            ["readme.html"] = $"<h1>WordPress {version}</h1>\n",
            ["license.txt"] = "GPLv2 or later\n",
            ["wp-content/index.php"] = "<?php\n// Silence is golden.\n",
            ["wp-content/plugins/akismet/akismet.php"] = $"<?php\n/* Plugin Name: Akismet, bundled with {version} */\n",
            ["wp-content/themes/twentytwentyfive/style.css"] = $"/* Theme Name: Twenty Twenty-Five, bundled with {version} */\n",
        };

        if (version == OldVersion)
        {
            files["wp-includes/old-only.php"] = "<?php\n// removed in 6.7.3\n";
            files["wp-admin/css/old-folder/legacy.css"] = ".legacy { }\n";
        }
        else
        {
            files["wp-includes/new-in-673.php"] = "<?php\n// added in 6.7.3\n";
            files["wp-admin/css/colors/new.css"] = ".new { }\n";
        }

        return files;
    }

    /// <summary>A site of <paramref name="version"/> with the user's content, an upload, an excluded cache and an executable script.</summary>
    public static void WriteSite(string root, string version = OldVersion)
    {
        foreach (var (path, content) in CoreFiles(version))
        {
            Write(root, path, content);
        }

        Write(root, "wp-config.php", "<?php\ndefine('DB_NAME', 'site');\n$table_prefix = 'wp_';\n");
        Write(root, ".htaccess", "# BEGIN WordPress\nRewriteEngine On\n# END WordPress\n");
        Write(root, "wp-content/plugins/akismet/akismet.php", "<?php\n/* Plugin Name: Akismet 5.3, updated by the user */\n");
        Write(root, "wp-content/plugins/hello/hello.php", "<?php\n/* Plugin Name: Hello Dolly */\n");
        Write(root, "wp-content/cache/page-1.html", "<html>cached</html>\n");
        Write(root, "wp-content/cache-notes.txt", "not the cache folder\n");
        var upload = Path.Join(root, "wp-content/uploads/2025/01/photo.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(upload)!);
        File.WriteAllBytes(upload, Bytes(70_000, seed: 7));
        Write(root, "wp-content/uploads/empty.txt", "");
        Write(root, "bin/cron.sh", "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(Path.Join(root, "bin/cron.sh"), (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Join(root, "wp-content/upgrade"));
        File.CreateSymbolicLink(Path.Join(root, "wp-content/latest.jpg"), "uploads/2025/01/photo.jpg");
    }

    /// <summary>The package of <paramref name="version"/>: a zip rooted at the site root, with Unix modes as zip tools on Linux write them.</summary>
    public static string WritePackage(string directory, string version, IEnumerable<(string Path, string Content)>? extra = null)
    {
        var path = Path.Join(directory, $"wordpress-{version}.zip");
        WriteZip(path, CoreFiles(version).Select(kv => (kv.Key, kv.Value)).Concat(extra ?? []));
        return path;
    }

    /// <summary>A zip of the given entries (names written exactly as given, even when they escape); a name ending in '/' is a folder.</summary>
    public static void WriteZip(string path, IEnumerable<(string Name, string Content)> entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
            entry.ExternalAttributes = (name.EndsWith('/') ? 0x41ED : 0x81A4) << 16;
            if (!name.EndsWith('/'))
            {
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }
    }

    public static void Write(string root, string path, string content)
    {
        var full = Path.Join(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The md5 per path that core checksums 1.0 publishes for a release of these files.</summary>
    public static IReadOnlyDictionary<string, string> Checksums(IReadOnlyDictionary<string, string> files) =>
        files.ToDictionary(f => f.Key, f => Md5(f.Value), StringComparer.Ordinal);

    public static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
