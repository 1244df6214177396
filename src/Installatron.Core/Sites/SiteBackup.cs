using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;

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
    public static Task<BackupResult> CreateAsync(
        string siteRoot, IReadOnlyList<string> excludeFiles, string archivePath, CancellationToken cancellationToken,
        IReadOnlyList<BackupAttachment>? attachments = null) =>
        CreateAsync(LocalSiteFileSystem.Instance, siteRoot, excludeFiles, archivePath, cancellationToken, attachments);

    /// <inheritdoc cref="CreateAsync(string, IReadOnlyList{string}, string, CancellationToken, IReadOnlyList{BackupAttachment})"/>
    /// <remarks>
    /// The site and the archive are on <paramref name="files"/> (a remote site's backups stay on its server); the
    /// attachments are local files. With a shell on that server the archive is built and verified there
    /// (<see cref="RemoteArchive"/>), so the site's bytes never cross the network; the archive's format is the same.
    /// </remarks>
    public static async Task<BackupResult> CreateAsync(
        ISiteFileSystem files, string siteRoot, IReadOnlyList<string> excludeFiles, string archivePath, CancellationToken cancellationToken,
        IReadOnlyList<BackupAttachment>? attachments = null)
    {
        if (attachments?.FirstOrDefault(a => !AttachmentName().IsMatch(a.Name)) is { } badName)
        {
            throw new ArgumentException($"'{badName.Name}' is not a plain file name for an attachment.", nameof(attachments));
        }

        var root = SitePaths.RequireRealRoot(files, siteRoot);
        if (!files.DirectoryExists(root))
        {
            throw new DirectoryNotFoundException($"The site directory '{files.Describe(root)}' does not exist.");
        }

        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var archive = Path.GetFullPath(archivePath);
        if (SitePaths.IsSameOrUnder(archive, root) || SitePaths.IsSameOrUnder(files.RealPath(archive), files.RealPath(root)))
        {
            throw new ArgumentException($"The archive '{archive}' must be outside the site '{root}'.", nameof(archivePath));
        }

        if (files.FileExists(archive))
        {
            var existing = await VerifyAsync(files, archive, cancellationToken);
            if (existing.IsValid && existing.Manifest!.ExcludeFiles.SequenceEqual(excludes, StringComparer.Ordinal))
            {
                return existing.EnsureValid();
            }
        }

        var partial = archive + PartialSuffix;
        DeleteIfThere(files, partial);
        if (files is LocalSiteFileSystem)
        {
            File.Delete(LocalSpoolPath(partial));
        }
        try
        {
            if (files.Shell is not { } shell || !RemoteArchive.IsAvailable(shell)
                || !await RemoteArchive.WriteAsync(shell, files, root, excludes, partial, attachments ?? [], cancellationToken))
            {
                await WriteArchiveAsync(files, root, excludes, partial, attachments ?? [], cancellationToken);
            }

            var written = (await VerifyAsync(files, partial, cancellationToken)).EnsureValid();
            files.Rename(partial, archive);
            return written with { ArchivePath = archive };
        }
        catch
        {
            DeleteIfThere(files, partial);
            throw;
        }
    }

    private static void DeleteIfThere(ISiteFileSystem files, string path)
    {
        if (files.Stat(path).Kind is EntryKind.File or EntryKind.Symlink)
        {
            files.DeleteFile(path);
        }
    }

    /// <summary>Where the manifest is spooled before it is written into the archive: beside a local archive, in the temp folder for a remote one.</summary>
    private static string LocalSpoolPath(string partial) => partial + ManifestSpoolSuffix;

    private static async Task WriteArchiveAsync(
        ISiteFileSystem files, string root, IReadOnlyList<string> excludes, string partial, IReadOnlyList<BackupAttachment> attachments,
        CancellationToken cancellationToken)
    {
        var items = SiteTree.List(files, root, excludes, cancellationToken);
        var entries = new List<ManifestEntry>(items.Count);
        await using Stream file = files is LocalSiteFileSystem
            ? new FileStream(partial, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = SiteFiles.BufferSize,
            })
            : new BufferedStream(await files.CreateNewAsync(partial, cancellationToken), SiteFiles.BufferSize);
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
        {
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var item in items)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (await WriteSiteEntryAsync(files, tar, root, item, cancellationToken) is { } entry)
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
                await using var spool = new FileStream(files is LocalSiteFileSystem ? LocalSpoolPath(partial) : Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
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
        if (file is FileStream local)
        {
            local.Flush(flushToDisk: true);
        }
    }

    /// <summary>Writes one site entry; null when it vanished since the listing (the manifest describes what the archive holds).</summary>
    private static async Task<ManifestEntry?> WriteSiteEntryAsync(
        ISiteFileSystem files, TarWriter tar, string root, SiteItem item, CancellationToken cancellationToken)
    {
        var full = Path.Join(root, item.Path);
        var name = SiteEntryPrefix + item.Path;
        switch (item.Type)
        {
            case ManifestEntryTypes.Directory:
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)item.Mode }, cancellationToken);
                return new ManifestEntry(item.Path, item.Type, 0, item.Mode, "", null);

            case ManifestEntryTypes.Symlink:
                var target = files.ReadLink(full);
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
                if (await SiteFiles.TryOpenForBackupAsync(files, full, cancellationToken) is not { } source)
                {
                    return null;
                }

                await using (source)
                {
                    using var snapshot = new SnapshotReadStream(source, source.CanSeek ? source.Length : item.Size);
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

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial System.Text.RegularExpressions.Regex AttachmentName();
}

/// <summary>A file to store in a backup beside the site, with the table checksums it vouches for.</summary>
public sealed record BackupAttachment(string Name, string SourcePath, IReadOnlyList<TableChecksum>? Tables = null);
