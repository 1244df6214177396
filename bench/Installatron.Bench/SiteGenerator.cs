using System.IO.Compression;
using System.Text;

namespace Installatron.Bench;

/// <summary>A size of site to generate: about <paramref name="Bytes"/> of content in <paramref name="Files"/> files.</summary>
public sealed record SiteSize(string Name, long Bytes, int Files)
{
    public static readonly SiteSize Small = new("100mb", 100L << 20, 10_000);
    public static readonly SiteSize Large = new("1gb", 1L << 30, 60_000);

    public static SiteSize Parse(string name) => name switch
    {
        "100mb" => Small,
        "1gb" => Large,
        _ => throw new ArgumentException($"Unknown size '{name}': use 100mb or 1gb."),
    };
}

/// <summary>What was generated: the site, the packages of its core before and after an update, and their figures.</summary>
public sealed record GeneratedSite(string Root, string OldPackage, string NewPackage, int Files, long Bytes, int CoreFiles, int Changed, int Added, int Removed);

/// <summary>
/// WordPress-shaped sites with a fixed seed: core PHP-like text (wp-admin, wp-includes, root files: about 35% of the
/// files, 15% of the bytes), plugins and themes (text: 45% / 25%), uploads (random bytes, incompressible: 20% / 60%),
/// plus wp-config.php, .htaccess and a symbolic link. File sizes are spread (log-normal) around each part's mean.
/// </summary>
public static class SiteGenerator
{
    private static readonly string[] Words =
    [
        "<?php", "function", "return", "$post", "$wpdb", "array(", ");", "if", "(", ")", "{", "}", "foreach", "as", "=>",
        "esc_html", "apply_filters", "'the_content'", "null", "true", "false", "$args", "wp_cache_get", "->", "get_option",
        "/**", "*", "@param", "string", "int", "@return", "*/", "\n", "\n\t", "\n\t\t", "echo", "class", "public", "static",
    ];

    public static GeneratedSite Generate(string directory, SiteSize size)
    {
        var root = Path.Join(directory, "site");
        Directory.CreateDirectory(root);
        var random = new Random(20251128);
        var core = (Files: (int)(size.Files * 0.35), Bytes: (long)(size.Bytes * 0.15));
        var plugins = (Files: (int)(size.Files * 0.45), Bytes: (long)(size.Bytes * 0.25));
        var uploads = (Files: size.Files - core.Files - plugins.Files, Bytes: size.Bytes - core.Bytes - plugins.Bytes);

        var corePaths = new List<string>();
        for (var i = 0; i < core.Files; i++)
        {
            var path = i < 20 ? $"wp-root-{i}.php"
                : i % 2 == 0 ? $"wp-admin/part-{i % 37}/file-{i}.php"
                : $"wp-includes/part-{i % 53}/file-{i}.php";
            corePaths.Add(path);
            WriteText(root, path, SizeAround(random, core.Bytes / core.Files), random);
        }

        for (var i = 0; i < plugins.Files; i++)
        {
            var path = $"wp-content/plugins/plugin-{i % 120}/includes/part-{i % 7}/file-{i}.php";
            WriteText(root, path, SizeAround(random, plugins.Bytes / plugins.Files), random);
        }

        for (var i = 0; i < uploads.Files; i++)
        {
            var path = $"wp-content/uploads/{2015 + i % 10}/{1 + i % 12:00}/image-{i}.jpg";
            WriteRandom(root, path, SizeAround(random, uploads.Bytes / uploads.Files), random);
        }

        File.WriteAllText(Path.Join(root, "wp-config.php"), "<?php\ndefine('DB_NAME', 'bench');\n");
        File.WriteAllText(Path.Join(root, ".htaccess"), "# BEGIN WordPress\n# END WordPress\n");
        File.CreateSymbolicLink(Path.Join(root, "wp-content/latest.jpg"), "uploads/2015/01/image-0.jpg");

        // The update: 10% of the core files changed, 2% removed, 2% added.
        var oldPackage = Path.Join(directory, "old.zip");
        var newPackage = Path.Join(directory, "new.zip");
        var changed = corePaths.Where((_, i) => i % 10 == 3).ToHashSet(StringComparer.Ordinal);
        var removed = corePaths.Where((_, i) => i % 50 == 7).ToHashSet(StringComparer.Ordinal);
        var added = Enumerable.Range(0, core.Files / 50).Select(i => $"wp-includes/added/file-{i}.php").ToList();
        WriteZip(oldPackage, root, corePaths, replacements: null);
        var update = new Random(7);
        var replacements = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in changed.Concat(added))
        {
            replacements[path] = TextBytes(SizeAround(update, core.Bytes / core.Files), update);
        }

        WriteZip(newPackage, root, corePaths.Where(p => !removed.Contains(p)).Concat(added), replacements);

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        return new GeneratedSite(root, oldPackage, newPackage, files.Count, files.Sum(f => f.Length), corePaths.Count,
            changed.Count, added.Count, removed.Count);
    }

    private static int SizeAround(Random random, long mean)
    {
        // Log-normal with sigma 1, scaled so the mean is kept: many small files, a few large ones.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (int)Math.Clamp(mean * Math.Exp(normal - 0.5), 64, 64L << 20);
    }

    private static void WriteText(string root, string path, int length, Random random) => Write(root, path, TextBytes(length, random));

    private static void WriteRandom(string root, string path, int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        Write(root, path, bytes);
    }

    private static byte[] TextBytes(int length, Random random)
    {
        var text = new StringBuilder(length + 32);
        while (text.Length < length)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(' ');
            if (random.Next(6) == 0)
            {
                text.Append(random.Next(100_000));
            }
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static void Write(string root, string path, byte[] bytes)
    {
        var full = Path.Join(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    private static void WriteZip(string zipPath, string root, IEnumerable<string> paths, Dictionary<string, byte[]>? replacements)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var path in paths)
        {
            var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
            entry.ExternalAttributes = 0x81A4 << 16;
            using var target = entry.Open();
            if (replacements is not null && replacements.TryGetValue(path, out var bytes))
            {
                target.Write(bytes);
            }
            else
            {
                using var source = File.OpenRead(Path.Join(root, path));
                source.CopyTo(target);
            }
        }
    }
}
