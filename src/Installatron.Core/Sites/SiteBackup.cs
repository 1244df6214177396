using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>
/// A site's files in one tar.gz archive, written in a single streaming pass: every directory, file and symbolic link
/// (links stored as links, never followed) under <c>site/</c>, in ordinal path order, then the manifest
/// (<see cref="ManifestEntryName"/>) with each entry's type, size, mode and SHA-256 computed on the way.
/// </summary>
public static partial class SiteBackup
{
    public const string SiteEntryPrefix = "site/";
    public const string AttachmentPrefix = "database/";
    public const string ManifestEntryName = ".installatron/manifest.json";
    public const string PartialSuffix = ".partial";

    private const string ManifestSpoolSuffix = ".manifest";
    private const int MaxProblems = 100;

    /// <summary>
    /// Writes the backup of <paramref name="siteRoot"/> (minus <paramref name="excludeFiles"/>: files or folders,
    /// relative) to <paramref name="archivePath"/> + ".partial", verifies it, then renames it into place: a crash never
    /// leaves a partial archive under the final name, and an archive under the final name has been verified. When a
    /// valid archive with the same exclude list is already there, it is kept as is (the backup was taken; taking it
    /// again would capture a later state).
    /// </summary>
    public static async Task<BackupResult> CreateAsync(
        string siteRoot, IReadOnlyList<string> excludeFiles, string archivePath, CancellationToken cancellationToken,
        IReadOnlyList<BackupAttachment>? attachments = null)
    {
        if (attachments?.FirstOrDefault(a => !AttachmentName().IsMatch(a.Name)) is { } badName)
        {
            throw new ArgumentException($"'{badName.Name}' is not a plain file name for an attachment.", nameof(attachments));
        }

        var root = SitePaths.RequireRealRoot(siteRoot);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The site directory '{root}' does not exist.");
        }

        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var archive = Path.GetFullPath(archivePath);
        if (SitePaths.IsSameOrUnder(archive, root) || SitePaths.IsSameOrUnder(SitePaths.RealPath(archive), SitePaths.RealPath(root)))
        {
            throw new ArgumentException($"The archive '{archive}' must be outside the site '{root}'.", nameof(archivePath));
        }

        if (File.Exists(archive))
        {
            var existing = await VerifyAsync(archive, cancellationToken);
            if (existing.IsValid && existing.Manifest!.ExcludeFiles.SequenceEqual(excludes, StringComparer.Ordinal))
            {
                return existing.EnsureValid();
            }
        }

        var partial = archive + PartialSuffix;
        File.Delete(partial);
        File.Delete(partial + ManifestSpoolSuffix);
        try
        {
            await WriteArchiveAsync(root, excludes, partial, attachments ?? [], cancellationToken);
            var written = (await VerifyAsync(partial, cancellationToken)).EnsureValid();
            File.Move(partial, archive, overwrite: true);
            return written with { ArchivePath = archive };
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// Re-reads the whole archive and checks every entry against the manifest, in order; reports a bad archive rather
    /// than throwing. Memory holds the manifest and 32 bytes per entry; only a failed check re-reads the archive to
    /// say exactly what differs.
    /// </summary>
    public static async Task<BackupVerification> VerifyAsync(string archivePath, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var digests = new List<EntryDigest>();
        var attachments = new List<ManifestAttachment>();
        var read = await ReadArchiveAsync(archivePath, entry => digests.Add(EntryDigest.Of(entry)), problems, cancellationToken, attachments.Add);
        if (read.Manifest is { } described && problems.Count == 0
            && !attachments.Select(a => (a.Name, a.Size, a.Sha256)).SequenceEqual((described.Attachments ?? []).Select(a => (a.Name, a.Size, a.Sha256))))
        {
            problems.Add("the attachments (database/) differ from the manifest");
        }

        if (read.Manifest is { } manifest && problems.Count == 0 && !Matches(manifest, digests))
        {
            var found = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
            var order = new List<string>();
            await ReadArchiveAsync(archivePath, entry =>
            {
                order.Add(entry.Path);
                if (!found.TryAdd(entry.Path, entry))
                {
                    problems.Add($"'{entry.Path}' is in the archive twice");
                }
            }, [], cancellationToken);
            Describe(manifest, found, order, problems);
        }

        if (problems.Count > MaxProblems)
        {
            var total = problems.Count;
            problems.RemoveRange(MaxProblems, total - MaxProblems);
            problems.Add($"... {total - MaxProblems} more problems");
        }

        return new BackupVerification(Path.GetFullPath(archivePath), problems.Count == 0, problems, read.Manifest, read.ArchiveSha256, read.ManifestSha256);
    }

    /// <summary>The manifest of an archive, after verifying the whole archive; throws <see cref="InvalidBackupException"/> when it is not valid.</summary>
    public static async Task<SiteManifest> ReadManifestAsync(string archivePath, CancellationToken cancellationToken)
    {
        var verification = await VerifyAsync(archivePath, cancellationToken);
        verification.EnsureValid();
        return verification.Manifest!;
    }

    private static async Task WriteArchiveAsync(
        string root, IReadOnlyList<string> excludes, string partial, IReadOnlyList<BackupAttachment> attachments, CancellationToken cancellationToken)
    {
        var items = SiteTree.List(root, excludes, cancellationToken);
        var entries = new List<ManifestEntry>(items.Count);
        await using var file = new FileStream(partial, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = SiteFiles.BufferSize,
        });
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
        {
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var item in items)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (await WriteSiteEntryAsync(tar, root, item, cancellationToken) is { } entry)
                    {
                        entries.Add(entry);
                    }
                }

                var stored = new List<ManifestAttachment>();
                foreach (var attachment in attachments)
                {
                    await using var source = SiteFiles.OpenRead(attachment.SourcePath);
                    using var snapshot = new SnapshotReadStream(source, source.Length);
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, AttachmentPrefix + attachment.Name)
                    {
                        Mode = (UnixFileMode)FileModes.DefaultFile,
                        ModificationTime = DateTimeOffset.UnixEpoch,
                        DataStream = snapshot,
                    }, cancellationToken);
                    stored.Add(new ManifestAttachment(attachment.Name, snapshot.Length, snapshot.Sha256(), attachment.Tables));
                }

                var manifest = SiteManifest.Create(excludes, entries) with { Attachments = stored.Count == 0 ? null : stored };
                await using var spool = new FileStream(partial + ManifestSpoolSuffix, FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                    1 << 16, FileOptions.DeleteOnClose);
                await manifest.WriteAsync(spool, cancellationToken);
                spool.Position = 0;
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, ManifestEntryName)
                {
                    Mode = (UnixFileMode)FileModes.DefaultFile,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    DataStream = spool,
                }, cancellationToken);
            }
        }

        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Writes one site entry; null when it vanished since the listing (the manifest describes what the archive holds).</summary>
    private static async Task<ManifestEntry?> WriteSiteEntryAsync(TarWriter tar, string root, SiteItem item, CancellationToken cancellationToken)
    {
        var full = Path.Join(root, item.Path);
        var name = SiteEntryPrefix + item.Path;
        switch (item.Type)
        {
            case ManifestEntryTypes.Directory:
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)item.Mode }, cancellationToken);
                return new ManifestEntry(item.Path, item.Type, 0, item.Mode, "", null);

            case ManifestEntryTypes.Symlink:
                var target = new FileInfo(full).LinkTarget;
                if (target is null)
                {
                    return null;
                }

                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name)
                {
                    Mode = (UnixFileMode)FileModes.Symlink,
                    LinkName = target,
                }, cancellationToken);
                return new ManifestEntry(item.Path, item.Type, 0, FileModes.Symlink, "", target);

            case ManifestEntryTypes.File when item.Size == 0:
                // Never opened: an empty file needs no read, and a FIFO or device node must not block the backup.
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = (UnixFileMode)item.Mode,
                    ModificationTime = item.Modified,
                }, cancellationToken);
                return new ManifestEntry(item.Path, item.Type, 0, item.Mode, SiteFiles.EmptySha256, null);

            default:
                FileStream source;
                try
                {
                    source = SiteFiles.OpenRead(full);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    return null;
                }

                await using (source)
                {
                    using var snapshot = new SnapshotReadStream(source, source.Length);
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
                    {
                        Mode = (UnixFileMode)item.Mode,
                        ModificationTime = item.Modified,
                        DataStream = snapshot,
                    }, cancellationToken);
                    return new ManifestEntry(item.Path, item.Type, snapshot.Length, item.Mode, snapshot.Sha256(), null);
                }
        }
    }

    /// <summary>
    /// Streams the archive once: each site entry (as read, hashed) goes to <paramref name="onSiteEntry"/>; the
    /// manifest must be the last entry; the gzip stream is read to its end so its CRC and length are checked.
    /// </summary>
    private static async Task<(SiteManifest? Manifest, string? ManifestSha256, string? ArchiveSha256)> ReadArchiveAsync(
        string archivePath, Action<ManifestEntry> onSiteEntry, List<string> problems, CancellationToken cancellationToken,
        Action<ManifestAttachment>? onAttachment = null)
    {
        SiteManifest? manifest = null;
        string? manifestSha256 = null;
        string? archiveSha256 = null;
        try
        {
            await using var file = SiteFiles.OpenArchive(archivePath);
            await using var hashing = new HashingStream(file);
            await using (var gzip = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
            {
                await using (var tar = new TarReader(gzip, leaveOpen: true))
                {
                    while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                    {
                        if (manifest is not null)
                        {
                            problems.Add($"the entry '{entry.Name}' comes after the manifest");
                            break;
                        }

                        if (entry.Name == ManifestEntryName && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                        {
                            (manifest, manifestSha256) = await ReadManifestEntryAsync(entry, problems, cancellationToken);
                            if (manifest is null)
                            {
                                break;
                            }

                            continue;
                        }

                        if (entry.Name.StartsWith(AttachmentPrefix, StringComparison.Ordinal)
                            && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                        {
                            var sha256 = entry.DataStream is null ? SiteFiles.EmptySha256 : await SiteFiles.Sha256Async(entry.DataStream, cancellationToken);
                            onAttachment?.Invoke(new ManifestAttachment(entry.Name[AttachmentPrefix.Length..], entry.Length, sha256));
                            continue;
                        }

                        if (await ReadSiteEntryAsync(entry, problems, cancellationToken) is { } actual)
                        {
                            onSiteEntry(actual);
                        }
                    }
                }

                await gzip.CopyToAsync(Stream.Null, cancellationToken);
            }

            await hashing.CopyToAsync(Stream.Null, cancellationToken);
            archiveSha256 = hashing.Sha256();
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException
            or IOException or UnauthorizedAccessException or InvalidBackupException)
        {
            problems.Add($"the archive cannot be read: {ex.Message}");
        }

        if (manifest is null)
        {
            problems.Add($"the archive holds no valid manifest ({ManifestEntryName} as its last entry)");
        }

        return (manifest, manifestSha256, archiveSha256);
    }

    private static async Task<(SiteManifest? Manifest, string? Sha256)> ReadManifestEntryAsync(
        TarEntry entry, List<string> problems, CancellationToken cancellationToken)
    {
        if (entry.DataStream is null)
        {
            problems.Add("the manifest is empty");
            return (null, null);
        }

        await using var hashing = new HashingStream(entry.DataStream);
        try
        {
            var manifest = await SiteManifest.ReadAsync(hashing, cancellationToken);
            await hashing.CopyToAsync(Stream.Null, cancellationToken);
            return (manifest, hashing.Sha256());
        }
        catch (InvalidBackupException ex)
        {
            problems.AddRange(ex.Problems.Select(p => $"manifest: {p}"));
            return (null, null);
        }
    }

    private static async Task<ManifestEntry?> ReadSiteEntryAsync(TarEntry entry, List<string> problems, CancellationToken cancellationToken)
    {
        var name = entry.Name;
        if (!name.StartsWith(SiteEntryPrefix, StringComparison.Ordinal))
        {
            problems.Add($"unexpected entry '{name}' outside {SiteEntryPrefix}");
            return null;
        }

        var path = name[SiteEntryPrefix.Length..];
        if (entry.EntryType == TarEntryType.Directory)
        {
            path = path.TrimEnd('/');
        }

        if (!SitePaths.TryNormalize(path, out var normalized) || normalized != path)
        {
            problems.Add($"the entry '{name}' is not a canonical path inside the site");
            return null;
        }

        var mode = (int)entry.Mode & FileModes.Mask;
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                return new ManifestEntry(path, ManifestEntryTypes.Directory, 0, mode, "", null);
            case TarEntryType.SymbolicLink:
                return new ManifestEntry(path, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, "", entry.LinkName);
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                var sha256 = entry.DataStream is null ? SiteFiles.EmptySha256 : await SiteFiles.Sha256Async(entry.DataStream, cancellationToken);
                return new ManifestEntry(path, ManifestEntryTypes.File, entry.Length, mode, sha256, null);
            default:
                problems.Add($"the entry '{name}' has the unsupported type {entry.EntryType}");
                return null;
        }
    }

    private static bool Matches(SiteManifest manifest, List<EntryDigest> digests)
    {
        if (manifest.Entries.Count != digests.Count)
        {
            return false;
        }

        for (var i = 0; i < digests.Count; i++)
        {
            if (EntryDigest.Of(manifest.Entries[i]) != digests[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Says exactly how the archive differs from its manifest (after <see cref="Matches"/> found that it does).</summary>
    private static void Describe(SiteManifest manifest, Dictionary<string, ManifestEntry> found, List<string> order, List<string> problems)
    {
        foreach (var expected in manifest.Entries)
        {
            if (!found.Remove(expected.Path, out var actual))
            {
                problems.Add($"'{expected.Path}' is in the manifest but not in the archive");
                continue;
            }

            if (actual.Type != expected.Type)
            {
                problems.Add($"'{expected.Path}' is a {actual.Type} in the archive, a {expected.Type} in the manifest");
            }
            else if (actual.Size != expected.Size || actual.Sha256 != expected.Sha256)
            {
                problems.Add($"'{expected.Path}' does not match the manifest: {actual.Size} bytes, SHA-256 {actual.Sha256}; expected {expected.Size} bytes, {expected.Sha256}");
            }
            else if (actual.Mode != expected.Mode)
            {
                problems.Add($"'{expected.Path}' has mode {FileModes.Octal(actual.Mode)} in the archive, {FileModes.Octal(expected.Mode)} in the manifest");
            }
            else if (actual.LinkTarget != expected.LinkTarget)
            {
                problems.Add($"'{expected.Path}' links to '{actual.LinkTarget}' in the archive, '{expected.LinkTarget}' in the manifest");
            }
        }

        problems.AddRange(found.Keys.Order(StringComparer.Ordinal).Select(p => $"'{p}' is in the archive but not in the manifest"));
        if (problems.Count == 0 && !order.SequenceEqual(manifest.Entries.Select(e => e.Path), StringComparer.Ordinal))
        {
            problems.Add("the archive's entries are not in the manifest's order (folders before what they hold)");
        }
    }

    /// <summary>A SHA-256 of everything the manifest says about one entry: 32 bytes kept per archive entry while verifying.</summary>
    private readonly record struct EntryDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public static EntryDigest Of(ManifestEntry entry)
        {
            Span<byte> hash = stackalloc byte[32];
            var text = $"{entry.Path}\0{entry.Type}\0{entry.Size}\0{entry.Mode}\0{entry.Sha256}\0{entry.LinkTarget}";
            SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
            return new EntryDigest(
                BinaryPrimitives.ReadUInt64LittleEndian(hash),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
        }
    }

    /// <summary>
    /// Copies an attachment of a verified archive to <paramref name="destination"/> and checks it against the manifest;
    /// returns the manifest's record of it.
    /// </summary>
    public static async Task<ManifestAttachment> ExtractAttachmentAsync(string archivePath, string name, string destination, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(archivePath, cancellationToken);
        var expected = manifest.Attachments?.FirstOrDefault(a => a.Name == name)
            ?? throw new InvalidBackupException($"The backup '{archivePath}' holds no attachment '{name}'.", [$"no attachment '{name}'"]);
        await using (var file = SiteFiles.OpenArchive(archivePath))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.Name != AttachmentPrefix + name || entry.DataStream is null)
                {
                    continue;
                }

                await using (var target = File.Create(destination))
                {
                    await entry.DataStream.CopyToAsync(target, cancellationToken);
                }

                await using var copy = File.OpenRead(destination);
                if (await SiteFiles.Sha256Async(copy, cancellationToken) != expected.Sha256)
                {
                    throw new InvalidBackupException($"The attachment '{name}' does not match the manifest.", [$"attachment '{name}' changed"]);
                }

                return expected;
            }
        }

        throw new InvalidBackupException($"The backup '{archivePath}' holds no attachment '{name}'.", [$"no attachment '{name}'"]);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial System.Text.RegularExpressions.Regex AttachmentName();
}

/// <summary>A file to store in a backup beside the site, with the table checksums it vouches for.</summary>
public sealed record BackupAttachment(string Name, string SourcePath, IReadOnlyList<TableChecksum>? Tables = null);
