using System.IO.Compression;
using System.Text.Json;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// The contents of a package zip by SHA-256 (each to the first entry holding it), read once per package and kept in the
/// package cache (<see cref="PackageSource.IndexPath"/>) or else in the store (<c>.store/packages/&lt;zip sha256&gt;.json</c>): a
/// backup references these contents instead of storing them.
/// </summary>
internal static class PackageIndex
{
    public static async Task<IReadOnlyDictionary<string, string>> LoadAsync(ContentStore store, PackageSource package, CancellationToken cancellationToken)
    {
        var cached = package.IndexPath ?? Path.Join(store.PackagesFolder, package.Reference.Sha256 + ".json");
        if (File.Exists(cached))
        {
            try
            {
                await using var stream = File.OpenRead(cached);
                if (await JsonSerializer.DeserializeAsync(stream, SiteJson.Default.DictionaryStringString, cancellationToken) is { } known)
                {
                    return known;
                }
            }
            catch (JsonException)
            {
                // Rebuilt below.
            }
        }

        if (await SiteFiles.Sha256Async(package.ZipPath, cancellationToken) != package.Reference.Sha256)
        {
            throw new InvalidPackageException($"The package '{package.ZipPath}' is not {package.Reference.Application} {package.Reference.Version} (SHA-256 differs).");
        }

        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(package.ZipPath))
        {
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/') && e.Length > 0))
            {
                await using var content = await entry.OpenAsync(cancellationToken);
                index.TryAdd(await SiteFiles.Sha256Async(content, cancellationToken), entry.FullName);
            }
        }

        // Backups of two sites of one account may index the same package at once: each writes its own file.
        var partial = $"{cached}.{Guid.NewGuid():N}{SiteBackup.PartialSuffix}";
        await File.WriteAllBytesAsync(partial, JsonSerializer.SerializeToUtf8Bytes(index, SiteJson.Default.DictionaryStringString), cancellationToken);
        File.Move(partial, cached, overwrite: true);
        return index;
    }
}
