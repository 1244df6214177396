using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Installatron.Core.Sites.Store.Blob;

/// <summary>
/// An account's content-addressed backup store in a blob container (remote sites, and any remote <c>bkloc</c>): the same
/// objects and documents as a <see cref="ContentStore"/> on disk, as blobs under <c>store/{account}/</c>:
/// <c>objects/ab/&lt;sha256&gt;.zst</c> (zstd, named by the SHA-256 of the content), <c>{install}/{task}.json</c>
/// (<see cref="StoredBackup"/>), and the markers that keep a collection and a backup apart (<c>writers/</c>,
/// <c>collecting</c>). An object is uploaded only when no blob has its name (a conditional write): one under its name is
/// complete and holds what its name says. See docs/site-files.md, "Backup store of a remote account".
/// </summary>
public sealed class BlobContentStore
{
    public const string ObjectsFolder = "objects/";
    public const string WritersFolder = "writers/";
    public const string CollectingMarker = "collecting";

    public BlobContentStore(BlobContainerClient container, string account)
    {
        if (account.Length == 0 || account.Contains('/') || account.Contains(".."))
        {
            throw new ArgumentException($"'{account}' cannot name a backup store.", nameof(account));
        }

        Container = container;
        Prefix = $"store/{account}/";
    }

    public BlobContainerClient Container { get; }

    /// <summary>Where this account's store begins in the container (<c>store/{account}/</c>).</summary>
    public string Prefix { get; }

    public string DocumentName(string installId, string taskId) => $"{Prefix}{installId}/{taskId}{ContentStore.DocumentSuffix}";

    public string ObjectName(string sha256) => $"{Prefix}{ObjectsFolder}{sha256[..2]}/{sha256}.zst";

    public BlobClient Blob(string name) => Container.GetBlobClient(name);

    /// <summary>The hash of every object the store holds (one listing, pages of 5,000).</summary>
    public async Task<HashSet<string>> ObjectHashesAsync(CancellationToken cancellationToken)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in ObjectsAsync(cancellationToken))
        {
            hashes.Add(item.Sha256);
        }

        return hashes;
    }

    /// <summary>Every object with its size and time (for a collection).</summary>
    public async IAsyncEnumerable<(string Sha256, string Name, long Size, DateTimeOffset Modified)> ObjectsAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix + ObjectsFolder }, cancellationToken))
        {
            var name = blob.Name[(blob.Name.LastIndexOf('/') + 1)..];
            if (name.Length == 64 + 4 && name.EndsWith(".zst", StringComparison.Ordinal))
            {
                yield return (name[..64], blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
    }

    /// <summary>Every backup document's blob name (<c>{install}/{task}.json</c>).</summary>
    public async Task<List<string>> DocumentNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken))
        {
            var relative = blob.Name[Prefix.Length..];
            if (!relative.StartsWith(ObjectsFolder, StringComparison.Ordinal) && !relative.StartsWith(WritersFolder, StringComparison.Ordinal)
                && relative.EndsWith(ContentStore.DocumentSuffix, StringComparison.Ordinal) && relative.Count(c => c == '/') == 1)
            {
                names.Add(blob.Name);
            }
        }

        return names;
    }

    /// <summary>Uploads the compressed object at <paramref name="compressedPath"/> unless a blob has its name; returns whether it was written.</summary>
    public async Task<bool> PutObjectAsync(string sha256, string compressedPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(compressedPath);
            await Blob(ObjectName(sha256)).UploadAsync(file, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Downloads an object (still compressed) to <paramref name="path"/>, via a partial file renamed into place.</summary>
    public async Task DownloadObjectAsync(string sha256, string path, CancellationToken cancellationToken)
    {
        ContentStore.RequireRealDirectory(Path.GetDirectoryName(path)!);
        var partial = path + SiteBackup.PartialSuffix;
        try
        {
            await Blob(ObjectName(sha256)).DownloadToAsync(partial, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidBackupException($"The content {sha256} is missing from the backup store.", [sha256]);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Publishes a document written to <paramref name="localPath"/> under <paramref name="name"/>.</summary>
    public async Task UploadDocumentAsync(string name, string localPath, CancellationToken cancellationToken) =>
        await Blob(name).UploadAsync(localPath, overwrite: true, cancellationToken);

    /// <summary>Downloads a document to <paramref name="localPath"/>; false when the store has none under <paramref name="name"/>.</summary>
    public async Task<bool> TryDownloadDocumentAsync(string name, string localPath, CancellationToken cancellationToken)
    {
        ContentStore.RequireRealDirectory(Path.GetDirectoryName(localPath)!);
        try
        {
            await Blob(name).DownloadToAsync(localPath, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            File.Delete(localPath);
            return false;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        await Blob(name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
