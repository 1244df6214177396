namespace Installatron.Core.Sites.Store.Blob;

/// <summary>
/// Mark and sweep of a <see cref="BlobContentStore"/>, as <see cref="StoreCollector"/> does on disk: every content a
/// backup document names is kept; any other object older than the grace period is removed. It runs only while no backup
/// is being written to the store (<see cref="BlobStoreMarkers"/>); it gives up when one is (<see cref="CollectResult.Busy"/>),
/// and when any document cannot be read (it cannot know what that one needs).
/// </summary>
public static class BlobStoreCollector
{
    public static async Task<CollectResult> CollectAsync(
        BlobContentStore store, ContentStore scratch, TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var held = await BlobStoreMarkers.TryEnterCollectorAsync(store, grace, time, cancellationToken);
        if (held is null)
        {
            return new CollectResult(true, 0, 0, 0, 0);
        }

        var marked = new HashSet<string>(StringComparer.Ordinal);
        var documents = await store.DocumentNamesAsync(cancellationToken);
        var local = Path.Join(scratch.Root, "collecting" + ContentStore.DocumentSuffix);
        foreach (var name in documents)
        {
            if (await store.TryDownloadDocumentAsync(name, local, cancellationToken))
            {
                var (backup, _) = await StoredBackup.ParseAsync(local, cancellationToken);
                marked.UnionWith(backup.StoredHashes());
            }
        }

        File.Delete(local);
        var cutoff = time.GetUtcNow() - grace;
        long kept = 0, removed = 0, bytes = 0;
        await foreach (var (sha256, name, size, modified) in store.ObjectsAsync(cancellationToken))
        {
            if (marked.Contains(sha256) || modified > cutoff)
            {
                kept++;
                continue;
            }

            await store.DeleteAsync(name, cancellationToken);
            removed++;
            bytes += size;
        }

        return new CollectResult(false, documents.Count, kept, removed, bytes);
    }
}
