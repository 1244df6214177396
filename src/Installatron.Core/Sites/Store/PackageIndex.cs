using System.IO.Compression;
using System.Text.Json;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// The contents of a package zip by SHA-256 (each to the first entry holding it), read once per package and kept in the
/// package cache (<see cref="PackageSource.IndexPath"/>) or else in the store (<c>.store/packages/&lt;zip sha256&gt;.json</c>): a
/// backup references these contents instead of storing them.
/// </summary>
public static class PackageIndex
{
    public static async Task<IReadOnlyDictionary<string, string>> LoadAsync(ContentStore store, PackageSource package, CancellationToken cancellationToken)
    {
        var cached = package.IndexPath ?? Path.Join(store.PackagesFolder, package.Reference.Sha256 + ".json");
        return await ReadAsync(cached, cancellationToken) ?? (await BuildAsync(package, cached, cancellationToken)).ByContent;
    }

    /// <summary>
    /// The SHA-256 of each file entry of the package (by its name in the zip; empty ones left out), kept beside it in the
    /// package cache (<see cref="PackageSource.DigestPath"/>, which must be set): a check of a site against the package
    /// need not inflate it again.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> DigestAsync(PackageSource package, CancellationToken cancellationToken)
    {
        var path = package.DigestPath ?? throw new ArgumentException("The package has no digest path (it is not in the package cache).", nameof(package));
        return await ReadAsync(path, cancellationToken)
            ?? (await BuildAsync(package, package.IndexPath ?? throw new ArgumentException("The package has no index path.", nameof(package)), cancellationToken)).ByEntry;
    }

    private static async Task<Dictionary<string, string>?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, SiteJson.Default.DictionaryStringString, cancellationToken);
        }
        catch (JsonException)
        {
            return null; // Rebuilt by the caller.
        }
    }

    /// <summary>One pass over the checked package: its index (content → first entry) at <paramref name="indexPath"/>, and its digest when it has a path.</summary>
    private static async Task<(Dictionary<string, string> ByContent, Dictionary<string, string> ByEntry)> BuildAsync(
        PackageSource package, string indexPath, CancellationToken cancellationToken)
    {
        if (await SiteFiles.Sha256Async(package.ZipPath, cancellationToken) != package.Reference.Sha256)
        {
            throw new InvalidPackageException($"The package '{package.ZipPath}' is not {package.Reference.Application} {package.Reference.Version} (SHA-256 differs).");
        }

        var byContent = new Dictionary<string, string>(StringComparer.Ordinal);
        var byEntry = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(package.ZipPath))
        {
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/') && e.Length > 0))
            {
                await using var content = await entry.OpenAsync(cancellationToken);
                var sha256 = await SiteFiles.Sha256Async(content, cancellationToken);
                byContent.TryAdd(sha256, entry.FullName);
                byEntry[entry.FullName] = sha256;
            }
        }

        // Two backups (or a backup and a verify) may index the same package at once: each writes its own file.
        if (package.DigestPath is { } digestPath)
        {
            await WriteAsync(digestPath, byEntry, cancellationToken);
        }

        await WriteAsync(indexPath, byContent, cancellationToken);
        return (byContent, byEntry);
    }

    private static async Task WriteAsync(string path, Dictionary<string, string> map, CancellationToken cancellationToken)
    {
        var partial = $"{path}.{Guid.NewGuid():N}{SiteBackup.PartialSuffix}";
        await File.WriteAllBytesAsync(partial, JsonSerializer.SerializeToUtf8Bytes(map, SiteJson.Default.DictionaryStringString), cancellationToken);
        File.Move(partial, path, overwrite: true);
    }
}
