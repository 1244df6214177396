using Azure;
using Azure.Storage.Blobs.Models;

namespace Installatron.Core.Sites.Store.Blob;

/// <summary>
/// Keeps a collection of a <see cref="BlobContentStore"/> and its backups apart, across processes and machines, with
/// marker blobs (Blob storage is strongly consistent): a writer creates <c>writers/{id}</c> and then looks for
/// <c>collecting</c>; a collection creates <c>collecting</c> (only when absent) and then looks for writers. Whichever
/// comes second sees the other and steps back (a writer waits and tries again, a collection gives up), so a backup never
/// reuses an object that a collection is removing. A marker older than <c>stale</c> (its process died) is ignored.
/// </summary>
public static class BlobStoreMarkers
{
    public static async Task<IAsyncDisposable> EnterWriterAsync(BlobContentStore store, TimeSpan stale, TimeProvider time, CancellationToken cancellationToken)
    {
        var marker = store.Blob($"{store.Prefix}{BlobContentStore.WritersFolder}{Guid.NewGuid():N}");
        while (true)
        {
            await marker.UploadAsync(BinaryData.Empty, overwrite: true, cancellationToken);
            if (!await FreshAsync(store, store.Prefix + BlobContentStore.CollectingMarker, stale, time, cancellationToken))
            {
                return new Held(marker);
            }

            await marker.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
        }
    }

    /// <returns>The held collection, or null when a backup is being written (or another collection runs).</returns>
    public static async Task<IAsyncDisposable?> TryEnterCollectorAsync(BlobContentStore store, TimeSpan stale, TimeProvider time, CancellationToken cancellationToken)
    {
        var marker = store.Blob(store.Prefix + BlobContentStore.CollectingMarker);
        try
        {
            var options = new BlobUploadOptions();
            if (await FreshAsync(store, marker.Name, stale, time, cancellationToken))
            {
                return null;
            }

            // Absent, or stale: replaced only if it is still the one just seen absent or stale.
            options.Conditions = await marker.ExistsAsync(cancellationToken)
                ? new() { IfMatch = (await marker.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag }
                : new() { IfNoneMatch = ETag.All };
            await marker.UploadAsync(BinaryData.Empty, options, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return null;
        }

        var cutoff = time.GetUtcNow() - stale;
        await foreach (var writer in store.Container.GetBlobsAsync(new GetBlobsOptions { Prefix = store.Prefix + BlobContentStore.WritersFolder }, cancellationToken))
        {
            if (writer.Properties.LastModified > cutoff)
            {
                await marker.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                return null;
            }
        }

        return new Held(marker);
    }

    private static async Task<bool> FreshAsync(BlobContentStore store, string name, TimeSpan stale, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await store.Blob(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.LastModified > time.GetUtcNow() - stale;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private sealed class Held(Azure.Storage.Blobs.BlobClient marker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await marker.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
    }
}
