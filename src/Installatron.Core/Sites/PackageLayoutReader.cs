using System.IO.Compression;
using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>
/// Finds where a package's files sit and which version they are, the way the world ships them: WordPress core rooted
/// at the site or at one top folder (<c>wordpress/</c> in wordpress.org's zips), a plugin zip rooted at its slug's
/// folder, a theme zip rooted at its folder. A package that does not fit throws <see cref="PackageLayoutException"/>
/// saying what it holds where. Only the zip's directory and the one file that names the version are read.
/// </summary>
public static class PackageLayoutReader
{
    public const string WordPressVersionFile = "wp-includes/version.php";
    private const string WordPressAdminFolder = "wp-admin/";
    private const long MaxVersionFileBytes = 1024 * 1024;
    private const int TopLevelShown = 8;

    /// <summary>The layout of the zip at <paramref name="zipPath"/> for a package of <paramref name="kind"/> (<paramref name="slug"/>: a plugin's or theme's folder).</summary>
    public static PackageLayout Read(string zipPath, string kind, string slug = "")
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException)
        {
            throw new PackageLayoutException("is not a zip file");
        }

        using (zip)
        {
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                entries.TryAdd(entry.FullName.Replace('\\', '/'), entry);
            }

            var listing = new ZipListing(entries);
            try
            {
                return kind switch
                {
                    PackageKinds.WordPress => WordPressCore(listing),
                    PackageKinds.WordPressPlugin => Plugin(listing, slug),
                    PackageKinds.WordPressTheme => Theme(listing, slug),
                    _ => new PackageLayout(PackageKinds.Files, ""),
                };
            }
            catch (InvalidDataException e)
            {
                throw new PackageLayoutException($"holds an entry that cannot be read ({e.Message})");
            }
        }
    }

    private static PackageLayout WordPressCore(ZipListing zip)
    {
        var root = zip.HasFile(WordPressVersionFile) ? ""
            : zip.SingleTopFolder is { } top && zip.HasFile(top + WordPressVersionFile) ? top
            : null;
        if (root is null)
        {
            var deeper = zip.Files.FirstOrDefault(f => f.EndsWith("/" + WordPressVersionFile, StringComparison.Ordinal));
            throw new PackageLayoutException(deeper is null
                ? $"holds no {WordPressVersionFile}, so it is not WordPress core; its top level holds {zip.DescribeTopLevel()}"
                : $"holds WordPress core at '{deeper[..^WordPressVersionFile.Length]}', which is not the top of the zip nor its only top folder; its top level holds {zip.DescribeTopLevel()}");
        }

        if (!zip.HasFolder(root + WordPressAdminFolder))
        {
            throw new PackageLayoutException($"holds '{root}{WordPressVersionFile}' but no '{root}{WordPressAdminFolder}' folder, so it is not a complete WordPress core");
        }

        var versionFile = root + WordPressVersionFile;
        var values = PhpAssignments.Parse(zip.ReadSmall(versionFile, MaxVersionFileBytes));
        var version = values.Variable("wp_version");
        if (version is not { Text: { Length: > 0 } text })
        {
            throw new PackageLayoutException(version is null
                ? $"has a '{versionFile}' that sets no $wp_version"
                : $"has a '{versionFile}' whose $wp_version (line {version.Line}) {version.Problem ?? "is empty"}");
        }

        var dbVersion = values.Variable("wp_db_version") is { Text: { } db } ? db : "";
        return new PackageLayout(PackageKinds.WordPress, root, versionFile, text, dbVersion);
    }

    private static PackageLayout Plugin(ZipListing zip, string slug)
    {
        var root = ComponentRoot(zip, slug, "plugin");
        var mainFiles = zip.Files
            .Where(f => f.StartsWith(root, StringComparison.Ordinal) && f.IndexOf('/', root.Length) < 0 && f.EndsWith(".php", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f == $"{root}{slug}.php" ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal);
        foreach (var file in mainFiles)
        {
            var text = zip.ReadHeader(file);
            if (WordPressHeaders.Field(text, WordPressHeaders.PluginName) is { Length: > 0 })
            {
                return new PackageLayout(PackageKinds.WordPressPlugin, root, file, HeaderVersion(text, file));
            }
        }

        throw new PackageLayoutException($"holds no PHP file directly in '{root}' with a 'Plugin Name:' header, so it is not a WordPress plugin");
    }

    private static PackageLayout Theme(ZipListing zip, string slug)
    {
        var root = ComponentRoot(zip, slug, "theme");
        var style = root + "style.css";
        if (!zip.HasFile(style))
        {
            throw new PackageLayoutException($"holds no '{style}', so it is not a WordPress theme");
        }

        var text = zip.ReadHeader(style);
        if (WordPressHeaders.Field(text, WordPressHeaders.ThemeName) is not { Length: > 0 })
        {
            throw new PackageLayoutException($"has a '{style}' without a 'Theme Name:' header, so it is not a WordPress theme");
        }

        return new PackageLayout(PackageKinds.WordPressTheme, root, style, HeaderVersion(text, style));
    }

    /// <summary>A plugin or theme zip holds one top folder, named as the plugin or theme.</summary>
    private static string ComponentRoot(ZipListing zip, string slug, string what)
    {
        var root = slug + "/";
        if (zip.SingleTopFolder != root)
        {
            throw new PackageLayoutException(
                $"must hold the {what} in one top folder '{root}' (as WordPress ships a {what}); its top level holds {zip.DescribeTopLevel()}");
        }

        return root;
    }

    private static string HeaderVersion(string text, string file) =>
        WordPressHeaders.Field(text, WordPressHeaders.Version) is { Length: > 0 } version
            ? version
            : throw new PackageLayoutException($"has a '{file}' without a 'Version:' header");

    /// <summary>The names of a zip's entries, with the folders only implied by a file's path.</summary>
    private sealed class ZipListing
    {
        private readonly Dictionary<string, ZipArchiveEntry> _entries;
        private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

        public ZipListing(Dictionary<string, ZipArchiveEntry> entries)
        {
            _entries = entries;
            foreach (var name in entries.Keys)
            {
                for (var slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
                {
                    _folders.Add(name[..(slash + 1)]);
                }
            }

            Files = entries.Keys.Where(n => !n.EndsWith('/')).Order(StringComparer.Ordinal).ToList();
            TopLevel = entries.Keys.Select(n => n.IndexOf('/') is var slash and >= 0 ? n[..(slash + 1)] : n)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }

        public IReadOnlyList<string> Files { get; }

        /// <summary>The distinct first names of the entries, folders with their '/'.</summary>
        public IReadOnlyList<string> TopLevel { get; }

        /// <summary>The one folder every entry sits in, if there is one (with its '/').</summary>
        public string? SingleTopFolder => TopLevel is [var only] && only.EndsWith('/') ? only : null;

        public bool HasFile(string name) => _entries.ContainsKey(name) && !name.EndsWith('/');

        public bool HasFolder(string name) => _folders.Contains(name);

        public string ReadHeader(string name)
        {
            using var stream = _entries[name].Open();
            return WordPressHeaders.ReadStart(stream);
        }

        public byte[] ReadSmall(string name, long maxBytes)
        {
            var entry = _entries[name];
            if (entry.Length > maxBytes)
            {
                throw new PackageLayoutException($"has a '{name}' of {entry.Length} bytes; a version file is far smaller");
            }

            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        public string DescribeTopLevel() =>
            TopLevel.Count == 0 ? "nothing"
            : string.Join(", ", TopLevel.Take(TopLevelShown).Select(n => $"'{n}'"))
                + (TopLevel.Count > TopLevelShown ? $" and {TopLevel.Count - TopLevelShown} more" : "");
    }
}
