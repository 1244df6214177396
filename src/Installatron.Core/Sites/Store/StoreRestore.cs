using System.IO.Compression;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites.Store;

/// <summary>Makes a site byte-identical to a backup in a <see cref="ContentStore"/>; safe to run again after a crash.</summary>
public static class StoreRestore
{
    /// <summary>
    /// One pass over the manifest: each folder and link made as it says, each file left alone when it already has the
    /// size, mode and SHA-256 (hashed once; on this machine not even read when the install's <see cref="StatCache"/>
    /// knows it by its unchanged lstat), otherwise written from the store or the package and checked against the
    /// manifest as it is written; then what the backup does not hold is removed and the tree is checked against the
    /// manifest (contents hashed or known in this pass are not read again). <paramref name="packageZip"/> is the backup's
    /// <see cref="StoredBackup.Package"/>, needed when it takes contents from one; it is checked by its SHA-256 first.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(
        ISiteFileSystem files, ContentStore store, string documentPath, string? packageZip, string siteRoot, IReadOnlyList<string> excludeFiles,
        CancellationToken cancellationToken)
    {
        var (backup, _) = await StoredBackup.ReadAsync(store, documentPath, cancellationToken);
        using var package = await OpenPackageAsync(backup, packageZip, documentPath, cancellationToken);
        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        files.CreateDirectories(root);
        var writer = await SiteWriter.OpenAsync(files, root, cancellationToken);
        var wanted = backup.Manifest.Entries.Where(e => !SitePaths.IsUnderAny(e.Path, excludes)).ToList();
        var hashes = await RemoteHashes.ForAsync(files, root, wanted.Where(e => e.Type == ManifestEntryTypes.File && e.Size > 0).Select(e => e.Path), cancellationToken);

        // A file the install's stat cache knows by its unchanged lstat is not read to be compared (a backup trusts the
        // cache as much); its time is known too, and left alone when right.
        var known = files is LocalSiteFileSystem ? await StatCache.ReadOnlyAsync(Path.GetDirectoryName(documentPath)!, root, cancellationToken) : null;
        var timesRight = new HashSet<string>(StringComparer.Ordinal);
        long written = 0, unchanged = 0, notRead = 0;
        var checkedContent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in wanted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (known is not null && entry is { Type: ManifestEntryTypes.File, Size: > 0 } && known.Confirms(writer.Resolve(entry.Path), entry, out var mtime))
            {
                unchanged++;
                notRead++;
                checkedContent.Add(entry.Path);
                if (mtime == entry.Mtime)
                {
                    timesRight.Add(entry.Path);
                }

                continue;
            }

            if (await SiteRestore.RestoreEntryAsync(writer, entry, _ => Task.FromResult(Open(store, backup, package, entry.Sha256)), null, hashes,
                    cancellationToken))
            {
                written++;
            }
            else if (entry.Type == ManifestEntryTypes.File)
            {
                unchanged++;
            }

            if (entry.Type == ManifestEntryTypes.File)
            {
                checkedContent.Add(entry.Path);
            }
        }

        var extracted = new RestoreResult(written, unchanged, 0) { FilesNotRead = notRead };
        var result = await SiteRestore.FinishAsync(writer, backup.Manifest, excludes, documentPath, extracted, checkedContent, cancellationToken);
        RestoreTimes(writer, wanted, timesRight, cancellationToken);
        return result;
    }

    /// <summary>
    /// Files and folders get back the modification times the backup recorded (older documents record none), deepest
    /// first, once nothing more is written or removed in a folder (which would change its time again); files in
    /// <paramref name="timesRight"/> were seen with theirs during this restore and never rewritten.
    /// </summary>
    private static void RestoreTimes(SiteWriter writer, List<ManifestEntry> wanted, IReadOnlySet<string> timesRight, CancellationToken cancellationToken)
    {
        for (var i = wanted.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wanted[i] is { Mtime: { } mtime, Type: ManifestEntryTypes.File or ManifestEntryTypes.Directory } entry && !timesRight.Contains(entry.Path))
            {
                writer.SetModified(entry.Path, mtime, entry.Type == ManifestEntryTypes.Directory);
            }
        }
    }

    /// <summary>Copies an attachment (the database dump) out of the backup to <paramref name="targetPath"/>, checked by its size and SHA-256.</summary>
    public static async Task<ManifestAttachment> ExtractAttachmentAsync(
        ContentStore store, string documentPath, string name, string targetPath, CancellationToken cancellationToken)
    {
        var (backup, _) = await StoredBackup.ReadAsync(store, documentPath, cancellationToken);
        var attachment = backup.Manifest.Attachments?.SingleOrDefault(a => a.Name == name)
            ?? throw new InvalidBackupException($"The backup '{documentPath}' holds no attachment '{name}'.", [name]);
        var partial = targetPath + SiteBackup.PartialSuffix;
        File.Delete(partial);
        (string Sha256, long Length) copied;
        await using (var target = SiteFiles.CreateNew(partial))
        {
            await using var source = attachment.Size == 0 ? Stream.Null : store.OpenRead(attachment.Sha256);
            copied = await SiteFiles.CopyAsync(source, target, cancellationToken);
        }

        if (copied != (attachment.Sha256, attachment.Size))
        {
            File.Delete(partial);
            throw new InvalidBackupException($"The attachment '{name}' of the backup '{documentPath}' is corrupt.", [name]);
        }

        File.Move(partial, targetPath, overwrite: true);
        return attachment;
    }

    private static Stream Open(ContentStore store, StoredBackup backup, ZipArchive? package, string sha256) =>
        package is not null && backup.FromPackage?.TryGetValue(sha256, out var entry) == true
            ? package.GetEntry(entry)?.Open() ?? throw new InvalidBackupException($"The package lacks '{entry}', which the backup takes from it.", [entry])
            : store.OpenRead(sha256);

    private static async Task<ZipArchive?> OpenPackageAsync(StoredBackup backup, string? packageZip, string documentPath, CancellationToken cancellationToken)
    {
        if (backup.Package is not { } reference || backup.FromPackage is not { Count: > 0 })
        {
            return null;
        }

        if (packageZip is null || !File.Exists(packageZip) || await SiteFiles.Sha256Async(packageZip, cancellationToken) != reference.Sha256)
        {
            throw new InvalidBackupException(
                $"The backup '{documentPath}' takes contents from the package of {reference.Application} {reference.Version}, which is not at hand.",
                ["package missing"]);
        }

        return ZipFile.OpenRead(packageZip);
    }
}
