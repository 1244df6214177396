using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Installatron.Core.Api;

namespace Installatron.Core.Storage;

/// <summary>The md5 of every file of one core release (paths relative to the site), as its source publishes them.</summary>
public sealed record CoreChecksums(string Application, string Version, string Locale, IReadOnlyDictionary<string, string> Files);

/// <summary>
/// Core checksums by application and version, one JSON blob each beside the packages
/// (<c>{app}/{version}/core-checksums.json</c>). Written by the catalog sync; the same content may be written twice.
/// </summary>
public sealed class CoreChecksumStore(InstallatronTables tables)
{
    public static string BlobNameFor(string application, string version) => $"{application}/{version.ToLowerInvariant()}/core-checksums.json";

    public async Task<CoreChecksums?> GetAsync(string application, string version, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        try
        {
            var content = await tables.Packages.GetBlobClient(BlobNameFor(application, version)).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<CoreChecksums>(StorageJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string application, string version, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await tables.Packages.GetBlobClient(BlobNameFor(application, version)).ExistsAsync(cancellationToken);
    }

    public async Task SaveAsync(CoreChecksums checksums, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(checksums, StorageJson.Options));
        await tables.Packages.GetBlobClient(BlobNameFor(checksums.Application, checksums.Version)).UploadAsync(json, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken);
    }
}
