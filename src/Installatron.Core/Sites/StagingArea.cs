using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>A package file extracted to the staging area, with what it should be once in the site.</summary>
internal sealed record StagedFile(string Path, string StagedPath, long Length, string Sha256, int Mode);

/// <summary>
/// The folder a package is extracted into before its files are copied into the site: outside the site, on the site's
/// file system, marked as ours with <see cref="OwnerFile"/> (a non-empty folder without it is never cleared), emptied
/// on every run.
/// </summary>
internal sealed class StagingArea
{
    public const string OwnerFile = ".installatron-staging";

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
        Delete();
        _files.CreateDirectories(_directory);
        await _files.WriteNewTextAsync(Path.Join(_directory, OwnerFile), "Installatron staging folder: deleted when the update ends.\n", cancellationToken);
    }

    /// <summary>Where a package entry is staged.</summary>
    public string PathOf(PackageEntry entry) => Path.Join(_directory, "package", entry.Path);

    /// <summary>
    /// Stages the files of <paramref name="entries"/>. With a shell on the site's host (unzip, sha256sum) the zip is sent
    /// once and unpacked there, each file then checked against the package by its SHA-256; otherwise each file is
    /// written over SFTP (or to the local disk).
    /// </summary>
    public async Task<List<StagedFile>> StageAsync(SitePackage package, IEnumerable<PackageEntry> entries, CancellationToken cancellationToken)
    {
        var files = entries.Where(e => !e.IsDirectory).ToList();
        var staged = new List<StagedFile>(files.Count);
        if (_files.Shell is not { } shell || files.Count == 0 || !new[] { "unzip", "sha256sum", "xargs" }.All(shell.Tools.Contains))
        {
            foreach (var entry in files)
            {
                staged.Add(await ExtractAsync(package, entry, cancellationToken));
            }

            return staged;
        }

        var unpacked = Path.Join(_directory, "unpacked");
        foreach (var entry in files)
        {
            await using var content = await package.OpenAsync(entry, cancellationToken);
            var (sha256, length) = await CopyCheckedAsync(entry, content, Stream.Null, cancellationToken);
            staged.Add(new StagedFile(entry.Path, Path.Join(unpacked, entry.Zip!.FullName), length, sha256, entry.Mode));
        }

        var zip = Path.Join(_directory, "package.zip");
        await using (var source = SiteFiles.OpenRead(package.ZipPath))
        {
            await _files.WriteNewAsync(zip, source, cancellationToken);
        }

        var result = await shell.RunAsync($"unzip -qq -o {ShellText.Quote(zip)} -d {ShellText.Quote(unpacked)}", null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidPackageException($"The package could not be unpacked on the site's server ({result.ExitStatus}): {result.Error.Trim()}");
        }

        var hashes = await RemoteHashes.Sha256AllAsync(shell, unpacked, staged.Where(f => f.Length > 0).Select(f => f.StagedPath[(unpacked.Length + 1)..]).ToList(),
            cancellationToken);
        foreach (var file in staged.Where(f => f.Length > 0))
        {
            if (hashes.GetValueOrDefault(file.StagedPath[(unpacked.Length + 1)..]) != file.Sha256)
            {
                throw new InvalidPackageException($"The package's entry '{file.Path}' differs from the package once unpacked on the site's server.");
            }
        }

        return staged;
    }

    public async Task<StagedFile> ExtractAsync(SitePackage package, PackageEntry entry, CancellationToken cancellationToken)
    {
        var target = PathOf(entry);
        _files.CreateDirectories(Path.GetDirectoryName(target)!);
        await using var source = await package.OpenAsync(entry, cancellationToken);
        var (sha256, length) = await CopyCheckedAsync(entry, source, null, cancellationToken, target);
        return new StagedFile(entry.Path, target, length, sha256, entry.Mode);
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

    public void Delete()
    {
        EnsureUsable();
        if (_files.Stat(_directory).Kind == EntryKind.Directory)
        {
            _files.DeleteTree(_directory);
        }
    }

    private bool IsUsable() => _files.Stat(_directory).Kind switch
    {
        EntryKind.Missing => true,
        EntryKind.Directory => _files.FileExists(Path.Join(_directory, OwnerFile)) || _files.List(_directory).Count == 0,
        _ => false,
    };
}
