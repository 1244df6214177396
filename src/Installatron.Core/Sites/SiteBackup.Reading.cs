using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>Reading a backup archive back: verification against its manifest, the manifest, the attachments.</summary>
public static partial class SiteBackup
{
    /// <summary>
    /// Re-reads the whole archive and checks every entry against the manifest, in order; reports a bad archive rather
    /// than throwing. Memory holds the manifest and 32 bytes per entry; only a failed check re-reads the archive to
    /// say exactly what differs.
    /// </summary>
    public static Task<BackupVerification> VerifyAsync(string archivePath, CancellationToken cancellationToken) =>
        VerifyAsync(LocalSiteFileSystem.Instance, archivePath, cancellationToken);

    /// <inheritdoc cref="VerifyAsync(string, CancellationToken)"/>
    /// <remarks>With a shell on the archive's server the archive is read there (<see cref="RemoteArchive"/>); only the manifest and the listing cross the network.</remarks>
    public static async Task<BackupVerification> VerifyAsync(ISiteFileSystem files, string archivePath, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var digests = new List<EntryDigest>();
        var attachments = new List<ManifestAttachment>();
        var read = files.Shell is { } shell && RemoteArchive.IsAvailable(shell)
            ? await RemoteArchive.ReadAsync(shell, files, archivePath, entry => digests.Add(EntryDigest.Of(entry)), problems, cancellationToken, attachments.Add)
            : await ReadArchiveAsync(files, archivePath, entry => digests.Add(EntryDigest.Of(entry)), problems, cancellationToken, attachments.Add);
        if (read.Manifest is { } described && problems.Count == 0
            && !attachments.Select(a => (a.Name, a.Size, a.Sha256)).SequenceEqual((described.Attachments ?? []).Select(a => (a.Name, a.Size, a.Sha256))))
        {
            problems.Add("the attachments (database/) differ from the manifest");
        }

        if (read.Manifest is { } manifest && problems.Count == 0 && !Matches(manifest, digests))
        {
            var found = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
            var order = new List<string>();
            await ReadArchiveAsync(files, archivePath, entry =>
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
    public static Task<SiteManifest> ReadManifestAsync(string archivePath, CancellationToken cancellationToken) =>
        ReadManifestAsync(LocalSiteFileSystem.Instance, archivePath, cancellationToken);

    /// <inheritdoc cref="ReadManifestAsync(string, CancellationToken)"/>
    public static async Task<SiteManifest> ReadManifestAsync(ISiteFileSystem files, string archivePath, CancellationToken cancellationToken)
    {
        var verification = await VerifyAsync(files, archivePath, cancellationToken);
        verification.EnsureValid();
        return verification.Manifest!;
    }

    /// <summary>
    /// Streams the archive once: each site entry (as read, hashed) goes to <paramref name="onSiteEntry"/>; the
    /// manifest must be the last entry; the gzip stream is read to its end so its CRC and length are checked.
    /// </summary>
    private static async Task<(SiteManifest? Manifest, string? ManifestSha256, string? ArchiveSha256)> ReadArchiveAsync(
        ISiteFileSystem files, string archivePath, Action<ManifestEntry> onSiteEntry, List<string> problems, CancellationToken cancellationToken,
        Action<ManifestAttachment>? onAttachment = null)
    {
        SiteManifest? manifest = null;
        string? manifestSha256 = null;
        string? archiveSha256 = null;
        try
        {
            await using var file = await SiteFiles.OpenArchiveAsync(files, archivePath, cancellationToken);
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

    private static Task<(SiteManifest? Manifest, string? Sha256)> ReadManifestEntryAsync(
        TarEntry entry, List<string> problems, CancellationToken cancellationToken) =>
        ReadManifestAsync(entry.DataStream, problems, cancellationToken);

    /// <summary>The manifest entry's content parsed and hashed; its problems added to <paramref name="problems"/>.</summary>
    internal static async Task<(SiteManifest? Manifest, string? Sha256)> ReadManifestAsync(
        Stream? content, List<string> problems, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            problems.Add("the manifest is empty");
            return (null, null);
        }

        await using var hashing = new HashingStream(content);
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
        var isFile = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
        var sha256 = !isFile || entry.DataStream is null ? SiteFiles.EmptySha256 : await SiteFiles.Sha256Async(entry.DataStream, cancellationToken);
        return SiteEntryOf(entry.Name, entry.EntryType, (int)entry.Mode, entry.Length, sha256, entry.LinkName, problems);
    }

    /// <summary>What one archive entry says about the site, checked as verification checks every entry (however the archive was read).</summary>
    internal static ManifestEntry? SiteEntryOf(
        string name, TarEntryType type, int mode, long length, string sha256, string? linkName, List<string> problems)
    {
        if (!name.StartsWith(SiteEntryPrefix, StringComparison.Ordinal))
        {
            problems.Add($"unexpected entry '{name}' outside {SiteEntryPrefix}");
            return null;
        }

        var path = name[SiteEntryPrefix.Length..];
        if (type == TarEntryType.Directory)
        {
            path = path.TrimEnd('/');
        }

        if (!SitePaths.TryNormalize(path, out var normalized) || normalized != path)
        {
            problems.Add($"the entry '{name}' is not a canonical path inside the site");
            return null;
        }

        mode &= FileModes.Mask;
        switch (type)
        {
            case TarEntryType.Directory:
                return new ManifestEntry(path, ManifestEntryTypes.Directory, 0, mode, "", null);
            case TarEntryType.SymbolicLink:
                return new ManifestEntry(path, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, "", linkName);
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                return new ManifestEntry(path, ManifestEntryTypes.File, length, mode, sha256, null);
            default:
                problems.Add($"the entry '{name}' has the unsupported type {type}");
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
    public static Task<ManifestAttachment> ExtractAttachmentAsync(string archivePath, string name, string destination, CancellationToken cancellationToken) =>
        ExtractAttachmentAsync(LocalSiteFileSystem.Instance, archivePath, name, destination, cancellationToken);

    /// <inheritdoc cref="ExtractAttachmentAsync(string, string, string, CancellationToken)"/>
    /// <remarks>The archive is on <paramref name="files"/>; <paramref name="destination"/> is a local file.</remarks>
    public static async Task<ManifestAttachment> ExtractAttachmentAsync(
        ISiteFileSystem files, string archivePath, string name, string destination, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(files, archivePath, cancellationToken);
        var expected = manifest.Attachments?.FirstOrDefault(a => a.Name == name)
            ?? throw new InvalidBackupException($"The backup '{archivePath}' holds no attachment '{name}'.", [$"no attachment '{name}'"]);
        await using (var file = await SiteFiles.OpenArchiveAsync(files, archivePath, cancellationToken))
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
}
