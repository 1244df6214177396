using System.IO.Compression;
using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>
/// Finds where a package's files sit and which version they are, as its application's recipe describes it
/// (<see cref="PackageShape"/>), the way the world ships them: a core rooted at the site or at one top folder
/// (<c>wordpress/</c> in wordpress.org's zips), a component's zip rooted at its folder (a plugin at its slug). A
/// package that does not fit throws <see cref="PackageLayoutException"/> saying what it holds where. Only the zip's
/// directory and the one file that names the version are read.
/// </summary>
public static class PackageLayoutReader
{
    private const long MaxVersionFileBytes = 1024 * 1024;
    private const int TopLevelShown = 8;

    /// <summary>The layout of the zip at <paramref name="zipPath"/> for a package of the given <paramref name="shape"/>.</summary>
    public static PackageLayout Read(string zipPath, PackageShape shape)
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
                return shape switch
                {
                    { Component: { } component } => Component(listing, shape, component),
                    { Kind: PackageKinds.Core } => Core(listing, shape),
                    _ => new PackageLayout(PackageKinds.Files, ""),
                };
            }
            catch (InvalidDataException e)
            {
                throw new PackageLayoutException($"holds an entry that cannot be read ({e.Message})");
            }
        }
    }

    private static PackageLayout Core(ZipListing zip, PackageShape shape)
    {
        // The file that finds the core: where the version is written, else the first file it must hold.
        var locator = shape.Version?.File ?? shape.Holds.FirstOrDefault(h => !h.EndsWith('/')) ?? shape.Holds[0];
        var root = zip.Has(locator) ? ""
            : zip.SingleTopFolder is { } top && zip.Has(top + locator) ? top
            : null;
        if (root is null)
        {
            var deeper = zip.Files.FirstOrDefault(f => f.EndsWith("/" + locator, StringComparison.Ordinal));
            throw new PackageLayoutException(deeper is null
                ? $"holds no {locator}, so it is not {shape.Name} core; its top level holds {zip.DescribeTopLevel()}"
                : $"holds {shape.Name} core at '{deeper[..^locator.Length]}', which is not the top of the zip nor its only top folder; its top level holds {zip.DescribeTopLevel()}");
        }

        if (shape.Holds.FirstOrDefault(h => !zip.Has(root + h)) is { } missing)
        {
            throw new PackageLayoutException(
                $"holds '{root}{locator}' but no '{root}{missing}'{(missing.EndsWith('/') ? " folder" : "")}, so it is not a complete {shape.Name} core");
        }

        if (shape.Version is not { } source)
        {
            return new PackageLayout(PackageKinds.Core, root);
        }

        var versionFile = root + source.File;
        FoundVersion found;
        try
        {
            found = VersionReader.Read(zip.ReadSmall(versionFile, MaxVersionFileBytes), source, $"'{versionFile}'");
        }
        catch (VersionNotStatedException e)
        {
            throw new PackageLayoutException($"has a '{versionFile}' {e.Problem}");
        }

        return new PackageLayout(PackageKinds.Core, root, versionFile, found.Version, found.DbVersion);
    }

    private static PackageLayout Component(ZipListing zip, PackageShape shape, ComponentRecipe component)
    {
        var root = shape.Slug + "/";
        if (zip.SingleTopFolder != root)
        {
            throw new PackageLayoutException(
                $"must hold the {component.Kind} in one top folder '{root}' (as {shape.Name} ships a {component.Kind}); its top level holds {zip.DescribeTopLevel()}");
        }

        var anyOfExtension = component.MainFile.StartsWith("*.", StringComparison.Ordinal);
        var what = $"a {shape.Name} {component.Kind}";
        if (!anyOfExtension && !zip.Has(root + component.MainFile))
        {
            throw new PackageLayoutException($"holds no '{root}{component.MainFile}', so it is not {what}");
        }

        var candidates = anyOfExtension
            ? zip.Files
                .Where(f => f.StartsWith(root, StringComparison.Ordinal) && f.IndexOf('/', root.Length) < 0
                    && f.EndsWith(component.MainFile[1..], StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f == root + shape.Slug + component.MainFile[1..] ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal).ToList()
            : [root + component.MainFile];
        foreach (var file in candidates)
        {
            var text = zip.ReadHeader(file);
            if (WordPressHeaders.Field(text, component.NameHeader) is { Length: > 0 })
            {
                return WordPressHeaders.Field(text, component.VersionHeader) is { Length: > 0 } version
                    ? new PackageLayout(PackageKinds.Component, root, file, version)
                    : throw new PackageLayoutException($"has a '{file}' without a '{component.VersionHeader}:' header");
            }
        }

        throw new PackageLayoutException(anyOfExtension
            ? $"holds no {component.MainFile[2..].ToUpperInvariant()} file directly in '{root}' with a '{component.NameHeader}:' header, so it is not {what}"
            : $"has a '{root}{component.MainFile}' without a '{component.NameHeader}:' header, so it is not {what}");
    }

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

        /// <summary>A file, or a folder when <paramref name="name"/> ends in '/'.</summary>
        public bool Has(string name) => name.EndsWith('/') ? _folders.Contains(name) : _entries.ContainsKey(name);

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
