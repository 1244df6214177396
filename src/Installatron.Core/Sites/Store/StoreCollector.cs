namespace Installatron.Core.Sites.Store;

/// <summary>What a collection did; <see cref="Busy"/> when a backup was being written and nothing was collected.</summary>
public sealed record CollectResult(bool Busy, long Backups, long ObjectsKept, long ObjectsRemoved, long BytesRemoved);

/// <summary>
/// Mark and sweep of a <see cref="ContentStore"/>: every content a backup document names is kept; any other object older
/// than the grace period is removed (a younger one may belong to a backup still being written by a process that does not
/// hold the store's lock). A collection holds the store exclusively, so it never runs while a backup is written here; it
/// gives up when one is, and when any document cannot be read (it cannot know what that one needs).
/// </summary>
public static class StoreCollector
{
    public static async Task<CollectResult> CollectAsync(ContentStore store, TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        using var held = store.TryEnterCollector();
        if (held is null)
        {
            return new CollectResult(true, 0, 0, 0, 0);
        }

        var marked = new HashSet<string>(StringComparer.Ordinal);
        long backups = 0;
        foreach (var document in Documents(store))
        {
            var (backup, _) = await StoredBackup.ParseAsync(document, cancellationToken);
            marked.UnionWith(backup.StoredHashes());
            backups++;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - grace;
        long kept = 0, removed = 0, bytes = 0;
        foreach (var (sha256, path, size, modified) in store.Objects().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (marked.Contains(sha256) || modified > cutoff)
            {
                kept++;
                continue;
            }

            File.Delete(path);
            removed++;
            bytes += size;
        }

        var plain = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var temporary in new DirectoryInfo(store.TemporaryFolder).EnumerateFiles("*", plain).Where(f => f.LastWriteTimeUtc <= cutoff).ToList())
        {
            temporary.Delete();
        }

        return new CollectResult(false, backups, kept, removed, bytes);
    }

    /// <summary>Every backup document of the store: <c>{install}/{task}.json</c>.</summary>
    public static IEnumerable<string> Documents(ContentStore store) =>
        new DirectoryInfo(store.Root).EnumerateDirectories()
            .Where(d => d.Name != ContentStore.StoreFolder)
            .SelectMany(d => d.EnumerateFiles("*" + ContentStore.DocumentSuffix))
            .Select(f => f.FullName);
}
