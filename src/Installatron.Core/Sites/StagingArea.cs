using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// A package file and what it should be once in the site; <paramref name="StagedPath"/> is where it is (or will be)
/// extracted in the staging area.
/// </summary>
internal sealed record StagedFile(string Path, string StagedPath, long Length, string Sha256, int Mode)
{
    /// <summary>The package entry it comes from.</summary>
    public PackageEntry? Entry { get; init; }
}

/// <summary>
/// The folder a package's files are extracted into before they are copied into the site (only the files the site
/// needs: <see cref="DigestAsync"/> first, the site compared, then <see cref="StageAsync"/>): outside the site, on the
/// site's file system, marked as ours with <see cref="OwnerFile"/> (a non-empty folder without it is never cleared),
/// emptied on every run.
/// </summary>
internal sealed class StagingArea
{
    public const string OwnerFile = ".installatron-staging";
    private const string Unpacked = "unpacked";

    private readonly ISiteFileSystem _files;
    private readonly string _directory;

    private StagingArea(ISiteFileSystem files, string directory)
    {
        _files = files;
        _directory = directory;
    }

    public string Directory => _directory;

    public static StagingArea For(ISiteFileSystem files, string stagingDirectory, string siteRoot)
    {
        var full = SitePaths.RequireRealRoot(files, stagingDirectory);
        var realRoot = files.RealPath(siteRoot);
        if (SitePaths.IsSameOrUnder(full, realRoot) || SitePaths.IsSameOrUnder(realRoot, full))
        {
            throw new ArgumentException($"The staging directory '{full}' must be outside the site '{siteRoot}' and must not contain it.",
                nameof(stagingDirectory));
        }

        return new StagingArea(files, full);
    }

    /// <summary>Empties the staging folder (after a crash it may hold a previous run's files) and marks it as ours.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await DeleteAsync(cancellationToken);
        _files.CreateDirectories(_directory);
        await _files.WriteNewTextAsync(Path.Join(_directory, OwnerFile), "Installatron staging folder: deleted when the update ends.\n", cancellationToken);
    }

    /// <summary>Where a package entry is staged.</summary>
    public string PathOf(PackageEntry entry) => Path.Join(_directory, "package", entry.Path);

    /// <summary>
    /// Every file of <paramref name="entries"/> read from the package and hashed here (a damaged entry, or one whose
    /// size is not its header's, is refused now, before the site is touched), with the place it will be staged at.
    /// Nothing is written.
    /// </summary>
    public async Task<List<StagedFile>> DigestAsync(SitePackage package, IEnumerable<PackageEntry> entries, CancellationToken cancellationToken)
    {
        var digests = new List<StagedFile>();
        foreach (var entry in entries.Where(e => !e.IsDirectory))
        {
            await using var content = await package.OpenAsync(entry, cancellationToken);
            var (sha256, length) = await CopyCheckedAsync(entry, content, Stream.Null, cancellationToken);
            var staged = UnpacksOnHost ? Path.Join(_directory, Unpacked, entry.Zip!.FullName) : PathOf(entry);
            digests.Add(new StagedFile(entry.Path, staged, length, sha256, entry.Mode) { Entry = entry });
        }

        return digests;
    }

    /// <summary>
    /// Extracts exactly <paramref name="files"/> (the ones the site needs) into the staging area, each checked
    /// against its digest. With a shell on the site's host (unzip, sha256sum) they are sent as one zip of their own
    /// and unpacked there; otherwise each is written over SFTP (or to the local disk).
    /// </summary>
    public async Task StageAsync(SitePackage package, IReadOnlyList<StagedFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        if (!UnpacksOnHost)
        {
            foreach (var file in files)
            {
                _files.CreateDirectories(Path.GetDirectoryName(file.StagedPath)!);
                await using var source = await package.OpenAsync(file.Entry!, cancellationToken);
                var (sha256, _) = await CopyCheckedAsync(file.Entry!, source, null, cancellationToken, file.StagedPath);
                if (sha256 != file.Sha256)
                {
                    throw new InvalidPackageException($"The package's entry '{file.Path}' changed while it was being staged.");
                }
            }

            return;
        }

        var unpacked = Path.Join(_directory, Unpacked);
        var zip = Path.Join(_directory, "package.zip");
        await using (var selection = await SelectionAsync(package, files, cancellationToken))
        {
            await _files.WriteNewAsync(zip, selection, cancellationToken);
        }

        // Unpacked, then removed: the next selection (a bundled folder's) is sent under the same name.
        var shell = _files.Shell!;
        var result = await shell.RunAsync($"unzip -qq -o {ShellText.Quote(zip)} -d {ShellText.Quote(unpacked)}; status=$?; rm -f -- {ShellText.Quote(zip)}; exit $status",
            null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidPackageException($"The package could not be unpacked on the site's server ({result.ExitStatus}): {result.Error.Trim()}");
        }

        var hashes = await RemoteHashes.Sha256AllAsync(shell, unpacked, files.Where(f => f.Length > 0).Select(f => f.StagedPath[(unpacked.Length + 1)..]).ToList(),
            cancellationToken);
        foreach (var file in files.Where(f => f.Length > 0))
        {
            if (hashes.GetValueOrDefault(file.StagedPath[(unpacked.Length + 1)..]) != file.Sha256)
            {
                throw new InvalidPackageException($"The package's entry '{file.Path}' differs from the package once unpacked on the site's server.");
            }
        }
    }

    /// <summary>True when package files are unpacked by the site's host (a remote shell with unzip and sha256sum).</summary>
    private bool UnpacksOnHost => _files is not LocalSiteFileSystem && _files.Shell is { } shell && new[] { "unzip", "sha256sum", "xargs" }.All(shell.Tools.Contains);

    /// <summary>A zip (in a temporary file here, deleted when closed) of just <paramref name="files"/>, under their names in the package.</summary>
    private static async Task<Stream> SelectionAsync(SitePackage package, IReadOnlyList<StagedFile> files, CancellationToken cancellationToken)
    {
        var temporary = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using (var zip = new System.IO.Compression.ZipArchive(temporary, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var file in files)
                {
                    await using var source = await package.OpenAsync(file.Entry!, cancellationToken);
                    await using var target = zip.CreateEntry(file.Entry!.Zip!.FullName, System.IO.Compression.CompressionLevel.Fastest).Open();
                    await source.CopyToAsync(target, cancellationToken);
                }
            }

            temporary.Position = 0;
            return temporary;
        }
        catch
        {
            await temporary.DisposeAsync();
            throw;
        }
    }

    /// <summary>Copies a package entry (to <paramref name="target"/>, or a new file at <paramref name="path"/>), refusing a damaged entry or one whose size is not its header's.</summary>
    private async Task<(string Sha256, long Length)> CopyCheckedAsync(
        PackageEntry entry, Stream source, Stream? target, CancellationToken cancellationToken, string? path = null)
    {
        (string Sha256, long Length) copied;
        try
        {
            copied = target is not null ? await SiteFiles.CopyAsync(source, target, cancellationToken) : await _files.WriteNewAsync(path!, source, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidPackageException($"The package's entry '{entry.Path}' is damaged: {ex.Message}", ex);
        }

        return copied.Length == entry.Length
            ? copied
            : throw new InvalidPackageException($"The package's entry '{entry.Path}' holds {copied.Length} bytes, its header says {entry.Length}.");
    }

    /// <summary>Throws unless the staging folder is missing, empty, or one this engine made: checked before the site is touched.</summary>
    public void EnsureUsable()
    {
        if (!IsUsable())
        {
            throw new InvalidOperationException(
                $"The staging directory '{_directory}' is neither empty nor one this engine made; it is left alone.");
        }
    }

    /// <summary>Removes the staging folder (one <c>rm -rf</c> on a remote host with a shell; thousands of unpacked files would otherwise be as many round trips).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        EnsureUsable();
        if (_files.Stat(_directory).Kind != EntryKind.Directory)
        {
            return;
        }

        if (_files is not LocalSiteFileSystem && _files.Shell is { } shell && shell.Tools.Contains("rm"))
        {
            var result = await shell.RunAsync($"rm -rf -- {ShellText.Quote(_directory)}", null, cancellationToken);
            if (result.Succeeded)
            {
                return;
            }
        }

        _files.DeleteTree(_directory);
    }

    private bool IsUsable() => _files.Stat(_directory).Kind switch
    {
        EntryKind.Missing => true,
        EntryKind.Directory => _files.FileExists(Path.Join(_directory, OwnerFile)) || _files.List(_directory).Count == 0,
        _ => false,
    };
}
