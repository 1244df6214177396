namespace Installatron.Core.Sites.Store.Blob;

/// <summary>
/// Brings one backup of a <see cref="BlobContentStore"/> to this machine for a restore: its document and the objects it
/// needs (still compressed, each downloaded once) into a <see cref="ContentStore"/> in the task's work folder, which
/// <see cref="StoreRestore"/> then restores from in one pass, checking every file against the manifest as it writes it.
/// Contents the backup takes from the installed version's package are not downloaded (the package is).
/// </summary>
public static class BlobStoreRestore
{
    /// <returns>The document's path in <paramref name="local"/>.</returns>
    public static async Task<string> FetchAsync(BlobContentStore store, string documentName, ContentStore local, CancellationToken cancellationToken)
    {
        var relative = documentName.StartsWith(store.Prefix, StringComparison.Ordinal) ? documentName[store.Prefix.Length..] : "";
        var parts = relative.Split('/');
        if (parts.Length != 2 || !parts[1].EndsWith(ContentStore.DocumentSuffix, StringComparison.Ordinal))
        {
            throw new InvalidBackupException($"'{documentName}' is not a backup document of the store {store.Prefix}.", [documentName]);
        }

        var path = local.DocumentPath(parts[0], parts[1][..^ContentStore.DocumentSuffix.Length]);
        if (!await store.TryDownloadDocumentAsync(documentName, path, cancellationToken))
        {
            throw new InvalidBackupException($"The backup '{documentName}' does not exist.", ["missing backup document"]);
        }

        var (backup, _) = await StoredBackup.ParseAsync(path, cancellationToken);
        foreach (var sha256 in backup.StoredHashes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!local.Contains(sha256))
            {
                await store.DownloadObjectAsync(sha256, local.ObjectPath(sha256), cancellationToken);
            }
        }

        return path;
    }
}
