using System.IO.Compression;
using Installatron.Core.Text;

namespace Installatron.Core.Sites;

/// <summary>One file or folder of a package; <paramref name="Path"/> is relative to the site. Folders the zip only implies have no <paramref name="Zip"/> entry.</summary>
internal sealed record PackageEntry(string Path, bool IsDirectory, long Length, int Mode, ZipArchiveEntry? Zip);

/// <summary>
/// A zip package opened for reading, its entries checked before anything is written: none may leave the site
/// ('..', absolute paths, drive letters), be a symbolic link, hold a NUL or control character or bytes that are not
/// text, appear twice, be both a file and a folder, or differ from another entry only in letter case (one would
/// overwrite the other on a case-insensitive disk). Publishing and applying a package check it with these same rules.
/// Only the zip's directory is held in memory; contents are streamed.
/// </summary>
internal sealed class SitePackage : IAsyncDisposable
{
    private const int UnixTypeMask = 0xF000;
    private const int UnixDirectory = 0x4000;
    private const int UnixSymlink = 0xA000;

    private readonly ZipArchive _zip;

    private SitePackage(ZipArchive zip, IReadOnlyList<PackageEntry> entries, string zipPath)
    {
        _zip = zip;
        Entries = entries;
        ZipPath = zipPath;
    }

    /// <summary>The zip file (a local file).</summary>
    public string ZipPath { get; }

    /// <summary>The number of entries in the zip's directory (folders only implied by a path are not counted).</summary>
    public int ZipEntryCount => _zip.Entries.Count;

    /// <summary>The size of every file unpacked, as the zip's directory states it.</summary>
    public long UncompressedSize => _zip.Entries.Sum(e => e.Length);

    /// <summary>Every entry, folders included (also those only implied by a file's path), sorted ordinally by path.</summary>
    public IReadOnlyList<PackageEntry> Entries { get; }

    /// <param name="displayName">How messages name the package; its file name when not given.</param>
    public static async Task<SitePackage> OpenAsync(string zipPath, string packageRoot, CancellationToken cancellationToken, string? displayName = null)
    {
        var name = displayName ?? $"The package '{Path.GetFileName(zipPath)}'";
        ZipArchive zip;
        try
        {
            zip = await ZipFile.OpenReadAsync(zipPath, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidPackageException($"{name} is not a zip file: {ex.Message}", ex);
        }

        try
        {
            return new SitePackage(zip, List(zip, packageRoot, name), zipPath);
        }
        catch
        {
            await zip.DisposeAsync();
            throw;
        }
    }

    public async Task<Stream> OpenAsync(PackageEntry entry, CancellationToken cancellationToken) =>
        entry.Zip is { } zip ? await zip.OpenAsync(cancellationToken) : throw new InvalidOperationException($"'{entry.Path}' is a folder.");

    public ValueTask DisposeAsync() => _zip.DisposeAsync();

    private static List<PackageEntry> List(ZipArchive zip, string packageRoot, string zipPath)
    {
        var byPath = new Dictionary<string, PackageEntry>(StringComparer.Ordinal);
        var byFoldedPath = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var zipEntry in zip.Entries)
        {
            if (UnsafeText.Describe(zipEntry.FullName) is { } unreadable)
            {
                throw Invalid(zipPath, $"holds an entry whose name {unreadable} ('{UnsafeText.Show(zipEntry.FullName)}')");
            }

            var name = zipEntry.FullName.Replace('\\', '/');
            if (name.StartsWith('/') || name.Split('/').Contains("..") || (name.Length > 1 && name[1] == ':'))
            {
                throw Invalid(zipPath, $"holds the entry '{zipEntry.FullName}', which would be written outside the site");
            }

            if (packageRoot.Length > 0)
            {
                if (name == packageRoot || name == packageRoot[..^1])
                {
                    continue;
                }

                if (!name.StartsWith(packageRoot, StringComparison.Ordinal))
                {
                    throw Invalid(zipPath, $"holds the entry '{zipEntry.FullName}' outside its folder '{packageRoot}'");
                }

                name = name[packageRoot.Length..];
            }

            if (!SitePaths.TryNormalize(name, out var path))
            {
                throw Invalid(zipPath, $"holds the entry '{zipEntry.FullName}', which is not a plain relative path");
            }

            var unixMode = (zipEntry.ExternalAttributes >> 16) & 0xFFFF;
            if ((unixMode & UnixTypeMask) == UnixSymlink)
            {
                throw Invalid(zipPath, $"holds the symbolic link '{zipEntry.FullName}'; packages may hold files and folders only");
            }

            var isDirectory = name.EndsWith('/') || (unixMode & UnixTypeMask) == UnixDirectory;
            var permissions = unixMode & 0x1FF;
            var mode = permissions != 0 ? permissions : isDirectory ? FileModes.DefaultDirectory : FileModes.DefaultFile;
            Add(byPath, new PackageEntry(path, isDirectory, isDirectory ? 0 : zipEntry.Length, mode, isDirectory ? null : zipEntry), explicitEntry: true, zipPath);
            RefuseCaseTwin(byFoldedPath, path, zipPath);

            for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                Add(byPath, new PackageEntry(path[..slash], true, 0, FileModes.DefaultDirectory, null), explicitEntry: false, zipPath);
                RefuseCaseTwin(byFoldedPath, path[..slash], zipPath);
            }
        }

        return byPath.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    private static void Add(Dictionary<string, PackageEntry> byPath, PackageEntry entry, bool explicitEntry, string zipPath)
    {
        if (!byPath.TryGetValue(entry.Path, out var existing))
        {
            byPath[entry.Path] = entry;
            return;
        }

        if (!existing.IsDirectory || !entry.IsDirectory)
        {
            throw Invalid(zipPath, $"holds '{entry.Path}' twice, or as both a file and a folder");
        }

        if (explicitEntry)
        {
            byPath[entry.Path] = entry;
        }
    }

    /// <summary>Two paths equal but for letter case would be one file on a case-insensitive disk: the second overwrites the first.</summary>
    private static void RefuseCaseTwin(Dictionary<string, string> byFoldedPath, string path, string zipPath)
    {
        if (!byFoldedPath.TryAdd(path, path) && byFoldedPath[path] != path)
        {
            throw Invalid(zipPath, $"holds both '{byFoldedPath[path]}' and '{path}', which differ only in letter case");
        }
    }

    private static InvalidPackageException Invalid(string name, string problem) => new($"{name} {problem}.");
}
