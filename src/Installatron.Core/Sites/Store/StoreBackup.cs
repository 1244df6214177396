using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites.Store;

/// <summary>A backup written to a <see cref="ContentStore"/>: its document, figures, and what it added to the store.</summary>
public sealed record StoreBackupResult(string DocumentPath, string DocumentSha256, StoredBackup Backup)
{
    /// <summary>Files whose content this backup read (the others were known by their unchanged lstat: <see cref="StatCache"/>).</summary>
    public long FilesRead { get; init; }

    public long Files => Backup.Manifest.Files;

    public long Bytes => Backup.Manifest.Bytes;
}

/// <summary>
/// Backs a site up into a <see cref="ContentStore"/> in one walk: each file is read once and hashed as it is read; a
/// content the installed version's package holds is referenced, one the store holds is not written again, a new one is
/// compressed into the store (hashed as it is written). The document is written last, after a check that every content
/// it needs is there: a document under its final name describes a complete backup.
/// </summary>
public static class StoreBackup
{
    public static async Task<StoreBackupResult> CreateAsync(
        ISiteFileSystem files, string siteRoot, IReadOnlyList<string> excludeFiles, ContentStore store, string documentPath,
        PackageSource? package, IReadOnlyList<BackupAttachment> attachments, CancellationToken cancellationToken)
    {
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        if (!files.DirectoryExists(root))
        {
            throw new DirectoryNotFoundException($"The site directory '{files.Describe(root)}' does not exist.");
        }

        if (files is LocalSiteFileSystem && SitePaths.IsSameOrUnder(Path.GetFullPath(store.Root), root))
        {
            throw new ArgumentException($"The backup store '{store.Root}' must be outside the site '{root}'.", nameof(store));
        }

        var excludes = SitePaths.NormalizeAll(excludeFiles);
        if (File.Exists(documentPath))
        {
            try
            {
                var (existing, sha256) = await StoredBackup.ReadAsync(store, documentPath, cancellationToken);
                if (existing.Manifest.ExcludeFiles.SequenceEqual(excludes, StringComparer.Ordinal))
                {
                    return new StoreBackupResult(documentPath, sha256, existing);
                }
            }
            catch (InvalidBackupException)
            {
                // Taken again below.
            }
        }

        // The site is listed (lstat only) on another core while the package index and the stat cache are read and the
        // store's objects the cache names are looked up: no content is read before the stat cache has marked when this
        // backup began (StatCache's racy rule).
        var listing = Task.Run(() => SiteTree.List(files, root, excludes, cancellationToken), cancellationToken);
        StatCache? cache = null;
        try
        {
            var fromPackage = package is null ? null : await PackageIndex.LoadAsync(store, package, cancellationToken);
            using var held = await store.EnterWriterAsync(cancellationToken);

            // Only this machine's lstat gives inode and nanosecond times: a remote site's files are always read.
            cache = files is LocalSiteFileSystem ? await StatCache.BeginAsync(Path.GetDirectoryName(documentPath)!, root, cancellationToken) : null;
            var result = await WriteAsync(files, root, listing, excludes, store, documentPath, package, fromPackage, cache, attachments, cancellationToken);
            if (cache is not null)
            {
                await cache.SaveAsync(cancellationToken);
            }

            return result;
        }
        finally
        {
            cache?.Abandon();
            await Task.WhenAny(listing); // ended, whatever became of the backup
        }
    }

    private static async Task<StoreBackupResult> WriteAsync(
        ISiteFileSystem files, string root, Task<List<SiteItem>> listed, IReadOnlyList<string> excludes, ContentStore store, string documentPath,
        PackageSource? package, IReadOnlyDictionary<string, string>? fromPackage, StatCache? cache, IReadOnlyList<BackupAttachment> attachments,
        CancellationToken cancellationToken)
    {
        await using var writer = new Writer(store, fromPackage, cache);
        writer.Preconfirm(otherCoresOnly: !listed.IsCompleted);
        var listing = await listed;
        var entries = new List<ManifestEntry>(listing.Count);
        foreach (var item in listing)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await writer.EntryAsync(files, root, item, cancellationToken) is { } entry)
            {
                entries.Add(entry);
            }
        }

        var stored = new List<ManifestAttachment>();
        foreach (var attachment in attachments)
        {
            await using var source = SiteFiles.OpenRead(attachment.SourcePath);
            var (sha256, length) = await writer.ContentAsync(source, source.Length, null, cancellationToken);
            stored.Add(new ManifestAttachment(attachment.Name, length, sha256, attachment.Tables));
        }

        await writer.CompleteAsync();
        var manifest = SiteManifest.Create(excludes, entries) with { Attachments = stored.Count == 0 ? null : stored };
        var used = writer.UsedFromPackage();
        var backup = new StoredBackup(StoredBackup.CurrentFormat, StoredBackup.Zstd, manifest)
        {
            Package = used.Count == 0 ? null : package!.Reference,
            FromPackage = used.Count == 0 ? null : used,
            NewObjects = writer.NewObjects,
            NewBytes = writer.NewBytes,
        };

        if (writer.NewObjects > 0)
        {
            store.FlushToDisk();
        }

        if (writer.FirstMissing(backup) is { } lost)
        {
            throw new InvalidBackupException($"The content {lost} vanished from the store while the backup was written.", [lost]);
        }

        var documentSha256 = await backup.WriteAsync(documentPath, cancellationToken);
        return new StoreBackupResult(documentPath, documentSha256, backup) { FilesRead = writer.FilesRead };
    }

    /// <summary>
    /// The manifest's <c>mtime</c> of a site item: to the nanosecond from this machine's <paramref name="status"/>, else
    /// what the listing gave (a remote file's, to the second; none for a remote folder).
    /// </summary>
    internal static long? ModifiedNs(SiteItem item, UnixFileStatus? status) =>
        status?.ModifiedNs ?? (item.Modified == default ? null : (item.Modified - DateTimeOffset.UnixEpoch).Ticks * 100);

    /// <summary>Stores one backup's contents and counts what it added.</summary>
    private sealed class Writer(ContentStore store, IReadOnlyDictionary<string, string>? package, StatCache? cache) : IAsyncDisposable
    {
        // New small contents: compressed on the other cores while this one reads on.
        private readonly ObjectWriters _writers = new(store);

        private readonly PackageReferences _package = new(package);

        private long _largeObjects;
        private long _largeBytes;

        public IReadOnlyDictionary<string, string> UsedFromPackage() => _package.Used();

        public long NewObjects => _largeObjects + _writers.NewObjects;

        public long NewBytes => _largeBytes + _writers.NewBytes;

        public long FilesRead { get; private set; }

        /// <summary>Objects of the store this backup found there without writing them (a file known from the stat cache).</summary>
        public HashSet<string> Confirmed { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Looks up in the store, while the site is still being listed, the objects the stat cache names (each one
        /// <c>statx</c>, on the cores the listing leaves free); the walk then takes them as confirmed. Only contents the
        /// package does not hold: those need no object.
        /// </summary>
        public void Preconfirm(bool otherCoresOnly)
        {
            if (cache is null)
            {
                return;
            }

            var named = cache.Hashes().Where(h => !_package.Knows(h)).ToHashSet(StringComparer.Ordinal);
            var present = new System.Collections.Concurrent.ConcurrentBag<string>();
            var cores = Math.Max(1, Environment.ProcessorCount - (otherCoresOnly ? 1 : 0));
            Parallel.ForEach(named, new ParallelOptions { MaxDegreeOfParallelism = cores }, sha256 =>
            {
                if (store.Contains(sha256))
                {
                    present.Add(sha256);
                }
            });
            Confirmed.UnionWith(present);
        }

        /// <summary>The manifest entry of one site item; null when it vanished since the listing.</summary>
        public ValueTask<ManifestEntry?> EntryAsync(ISiteFileSystem files, string root, SiteItem item, CancellationToken cancellationToken)
        {
            if (item.Type == ManifestEntryTypes.Symlink)
            {
                var target = files.ReadLink(Path.Join(root, item.Path));
                return ValueTask.FromResult(target is null ? null : new ManifestEntry(item.Path, item.Type, 0, FileModes.Symlink, "", target));
            }

            // Taken (by the listing's statx) before the content is read: a file changed since does not match it next time.
            var status = cache is null ? null : item.Status ?? UnixFileStatus.Of(Path.Join(root, item.Path));
            var mtime = ModifiedNs(item, status);
            switch (item.Type)
            {
                case ManifestEntryTypes.Directory:
                    return ValueTask.FromResult<ManifestEntry?>(new ManifestEntry(item.Path, item.Type, 0, item.Mode, "", null) { Mtime = mtime });
                case ManifestEntryTypes.File when item.Size == 0:
                    // Never opened: a FIFO or device node must not block the backup.
                    return ValueTask.FromResult<ManifestEntry?>(new ManifestEntry(item.Path, item.Type, 0, item.Mode, SiteFiles.EmptySha256, null) { Mtime = mtime });
            }

            if (status is { IsRegularFile: true } known && known.Size == item.Size && cache!.Lookup(item.Path, known) is { } cached
                && (FoundInPackage(cached) || Confirmed.Contains(cached) || (store.Contains(cached) && Confirmed.Add(cached))))
            {
                cache.RecordUnchanged(item.Path, known, cached);
                return ValueTask.FromResult<ManifestEntry?>(new ManifestEntry(item.Path, item.Type, known.Size, item.Mode, cached, null) { Mtime = mtime });
            }

            return new ValueTask<ManifestEntry?>(ReadEntryAsync(files, Path.Join(root, item.Path), item, status, mtime, cancellationToken));
        }

        /// <summary>The manifest entry of a file whose content is read (the stat cache could not vouch for it).</summary>
        private async Task<ManifestEntry?> ReadEntryAsync(
            ISiteFileSystem files, string full, SiteItem item, UnixFileStatus? status, long? mtime, CancellationToken cancellationToken)
        {
            if (await SiteFiles.TryOpenForBackupAsync(files, full, cancellationToken) is not { } source)
            {
                return null;
            }

            await using (source)
            {
                FilesRead++;
                var (sha256, length) = await ContentAsync(source, source.CanSeek ? source.Length : item.Size, ct => files.OpenReadAsync(full, ct), cancellationToken);
                if (status is { IsRegularFile: true } read && read.Size == length)
                {
                    cache!.Record(item.Path, read, sha256);
                }

                return new ManifestEntry(item.Path, item.Type, length, item.Mode, sha256, null) { Mtime = mtime };
            }
        }

        /// <summary>
        /// Stores <paramref name="length"/> bytes of <paramref name="source"/> (its size when opened: a file that shrinks
        /// fails, one that grows is stored as it was) unless the package or the store already holds them.
        /// </summary>
        public async Task<(string Sha256, long Length)> ContentAsync(
            Stream source, long length, Func<CancellationToken, Task<Stream>>? reopen, CancellationToken cancellationToken)
        {
            using var snapshot = new SnapshotReadStream(source, length);
            if (length <= ContentStore.SmallFile)
            {
                var buffer = ContentStore.Rent();
                var handedOver = false;
                try
                {
                    var read = 0;
                    while (read < length)
                    {
                        read += await snapshot.ReadAsync(buffer.AsMemory(read, (int)length - read), cancellationToken);
                    }

                    var sha256 = snapshot.Sha256();
                    if (!FoundInPackage(sha256) && !store.Reuse(sha256))
                    {
                        handedOver = true;
                        await _writers.PutAsync(buffer, read, sha256, cancellationToken);
                    }

                    return (sha256, length);
                }
                finally
                {
                    if (!handedOver)
                    {
                        ContentStore.Return(buffer);
                    }
                }
            }

            // A large file: hashed first (most are already stored), compressed and hashed again only when new.
            var (hash, _) = await SiteFiles.CopyAsync(snapshot, Stream.Null, cancellationToken);
            if (FoundInPackage(hash) || store.Reuse(hash))
            {
                return (hash, length);
            }

            await using var reread = source.CanSeek || reopen is null ? null : await reopen(cancellationToken);
            if (reread is null)
            {
                source.Position = 0;
            }

            using var again = new SnapshotReadStream(reread ?? source, length);
            var (stored, storedLength, written) = await store.PutAsync(again, cancellationToken);
            if (written)
            {
                _largeObjects++;
                _largeBytes += new FileInfo(store.ObjectPath(stored)).Length;
            }

            return (stored, storedLength);
        }

        private bool FoundInPackage(string sha256) => _package.Holds(sha256);

        /// <summary>
        /// The cheap check before the document is published: the first content <paramref name="backup"/> needs from the
        /// store that is not there; null when there is none. Objects this backup already found there are not looked up
        /// again (it holds the store's lock: no collection runs meanwhile).
        /// </summary>
        public string? FirstMissing(StoredBackup backup) =>
            backup.StoredHashes().FirstOrDefault(h => !Confirmed.Contains(h) && !(store.Contains(h) && Confirmed.Add(h)));

        /// <summary>Waits for the new contents handed over to be in the store.</summary>
        public Task CompleteAsync() => _writers.CompleteAsync();

        public ValueTask DisposeAsync() => _writers.DisposeAsync();
    }
}
