using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites.Store.Blob;

/// <summary>Where a backup to a <see cref="BlobContentStore"/> works on this machine, and how it learns the site's contents.</summary>
/// <param name="Staging">A store on this machine (the update's work folder): the package's index, and each new object
/// while it is compressed and uploaded (removed once uploaded: the disk used stays one object).</param>
/// <param name="HashOnServer">With a shell on the site's server: every file hashed there in one <c>sha256sum</c> batch, and
/// only contents the store and the package lack read over the connection. Otherwise every file is read and hashed here.</param>
public sealed record BlobBackupOptions(ContentStore Staging, TimeSpan Stale, TimeProvider Time, bool HashOnServer = true);

/// <summary>
/// Backs a site up into a <see cref="BlobContentStore"/>: the site listed once; its files hashed where they are (a remote
/// site with a shell) or as they are read; a content the installed version's package holds is referenced, one the store
/// holds is neither read nor uploaded again, a new one is read once, compressed with zstd here (hashed as it is written)
/// and uploaded under its hash. The document is uploaded last, after a check that every content it needs is in the store.
/// </summary>
public static class BlobStoreBackup
{
    public static async Task<StoreBackupResult> CreateAsync(
        ISiteFileSystem files, string siteRoot, IReadOnlyList<string> excludeFiles, BlobContentStore store, string installId, string taskId,
        PackageSource? package, IReadOnlyList<BackupAttachment> attachments, BlobBackupOptions options, CancellationToken cancellationToken)
    {
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        if (!files.DirectoryExists(root))
        {
            throw new DirectoryNotFoundException($"The site directory '{files.Describe(root)}' does not exist.");
        }

        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var name = store.DocumentName(installId, taskId);
        var local = options.Staging.DocumentPath(installId, taskId);
        if (await store.TryDownloadDocumentAsync(name, local, cancellationToken))
        {
            var (existing, sha256) = await StoredBackup.ParseAsync(local, cancellationToken);
            if (existing.Manifest.ExcludeFiles.SequenceEqual(excludes, StringComparer.Ordinal))
            {
                return new StoreBackupResult(name, sha256, existing);
            }
        }

        var fromPackage = package is null ? null : await PackageIndex.LoadAsync(options.Staging, package, cancellationToken);
        await using var held = await BlobStoreMarkers.EnterWriterAsync(store, options.Stale, options.Time, cancellationToken);
        files = await ListedSiteFileSystem.ListAsync(files, root, cancellationToken); // one `find` on a remote site with a shell
        var items = SiteTree.List(files, root, excludes, cancellationToken);
        var known = options.HashOnServer && files.Shell is { } shell && shell.Tools.Contains("sha256sum") && shell.Tools.Contains("xargs")
            ? await RemoteHashes.Sha256AllAsync(shell, root, items.Where(i => i.Type == ManifestEntryTypes.File && i.Size > 0).Select(i => i.Path).ToList(),
                cancellationToken)
            : [];
        var writer = new Writer(store, options.Staging, fromPackage, await store.ObjectHashesAsync(cancellationToken));

        var entries = new List<ManifestEntry>();
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await writer.EntryAsync(files, root, item, known.GetValueOrDefault(item.Path), cancellationToken) is { } entry)
            {
                entries.Add(entry);
            }
        }

        var stored = new List<ManifestAttachment>();
        foreach (var attachment in attachments)
        {
            await using var source = SiteFiles.OpenRead(attachment.SourcePath);
            var (sha256, length) = await writer.ContentAsync(source, source.Length, cancellationToken);
            stored.Add(new ManifestAttachment(attachment.Name, length, sha256, attachment.Tables));
        }

        var manifest = SiteManifest.Create(excludes, entries) with { Attachments = stored.Count == 0 ? null : stored };
        var used = writer.UsedFromPackage();
        var backup = new StoredBackup(StoredBackup.CurrentFormat, StoredBackup.Zstd, manifest)
        {
            Package = used.Count == 0 ? null : package!.Reference,
            FromPackage = used.Count == 0 ? null : used,
            NewObjects = writer.NewObjects,
            NewBytes = writer.NewBytes,
        };

        // The cheap check before the document is published: every content it needs is in the store.
        if (backup.StoredHashes().FirstOrDefault(h => !writer.Stored(h)) is { } lost)
        {
            throw new InvalidBackupException($"The content {lost} is not in the store.", [lost]);
        }

        var documentSha256 = await backup.WriteAsync(local, cancellationToken);
        await store.UploadDocumentAsync(name, local, cancellationToken);
        File.Delete(local);
        return new StoreBackupResult(name, documentSha256, backup);
    }

    /// <summary>Stores one backup's contents in the blob store and counts what it added.</summary>
    private sealed class Writer(BlobContentStore store, ContentStore staging, IReadOnlyDictionary<string, string>? package, HashSet<string> existing)
    {
        private readonly HashSet<string> _uploaded = new(StringComparer.Ordinal);

        private readonly PackageReferences _package = new(package);

        public IReadOnlyDictionary<string, string> UsedFromPackage() => _package.Used();

        public long NewObjects { get; private set; }

        public long NewBytes { get; private set; }

        public bool Stored(string sha256) => existing.Contains(sha256) || _uploaded.Contains(sha256);

        /// <summary>The manifest entry of one site item; null when it vanished since the listing. <paramref name="knownSha256"/>: hashed on the server.</summary>
        public async Task<ManifestEntry?> EntryAsync(ISiteFileSystem files, string root, SiteItem item, string? knownSha256, CancellationToken cancellationToken)
        {
            var full = Path.Join(root, item.Path);
            if (item.Type == ManifestEntryTypes.Symlink)
            {
                return files.ReadLink(full) is { } target ? new ManifestEntry(item.Path, item.Type, 0, FileModes.Symlink, "", target) : null;
            }

            // As the local store's: taken before the content is read, to the nanosecond on this machine.
            var mtime = StoreBackup.ModifiedNs(item, files is LocalSiteFileSystem ? item.Status ?? UnixFileStatus.Of(full) : null);
            switch (item.Type)
            {
                case ManifestEntryTypes.Directory:
                    return new ManifestEntry(item.Path, item.Type, 0, item.Mode, "", null) { Mtime = mtime };
                case ManifestEntryTypes.File when item.Size == 0:
                    return new ManifestEntry(item.Path, item.Type, 0, item.Mode, SiteFiles.EmptySha256, null) { Mtime = mtime };
            }

            if (knownSha256 is not null && (FoundInPackage(knownSha256) || Stored(knownSha256)))
            {
                return new ManifestEntry(item.Path, item.Type, item.Size, item.Mode, knownSha256, null) { Mtime = mtime };
            }

            if (await SiteFiles.TryOpenForBackupAsync(files, full, cancellationToken) is not { } source)
            {
                return null;
            }

            await using (source)
            {
                var (sha256, length) = await ContentAsync(source, item.Size, cancellationToken);
                return new ManifestEntry(item.Path, item.Type, length, item.Mode, sha256, null) { Mtime = mtime };
            }
        }

        /// <summary>
        /// Reads <paramref name="length"/> bytes of <paramref name="source"/> once, compressing them into the staging store
        /// while they are hashed, and uploads them unless the package or the store holds them.
        /// </summary>
        public async Task<(string Sha256, long Length)> ContentAsync(Stream source, long length, CancellationToken cancellationToken)
        {
            using var snapshot = new SnapshotReadStream(source, length);
            var (sha256, read, _) = await staging.PutAsync(snapshot, cancellationToken);
            var path = staging.ObjectPath(sha256);
            try
            {
                if (!FoundInPackage(sha256) && !Stored(sha256))
                {
                    if (await store.PutObjectAsync(sha256, path, cancellationToken))
                    {
                        NewObjects++;
                        NewBytes += new FileInfo(path).Length;
                    }

                    _uploaded.Add(sha256);
                }
            }
            finally
            {
                File.Delete(path);
            }

            return (sha256, read);
        }

        private bool FoundInPackage(string sha256) => _package.Holds(sha256);
    }
}
