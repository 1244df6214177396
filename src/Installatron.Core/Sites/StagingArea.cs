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

    public async Task<StagedFile> ExtractAsync(SitePackage package, PackageEntry entry, CancellationToken cancellationToken)
    {
        var target = PathOf(entry);
        _files.CreateDirectories(Path.GetDirectoryName(target)!);
        (string Sha256, long Length) copied;
        await using (var source = await package.OpenAsync(entry, cancellationToken))
        {
            try
            {
                copied = await _files.WriteNewAsync(target, source, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidPackageException($"The package's entry '{entry.Path}' is damaged: {ex.Message}", ex);
            }
        }

        if (copied.Length != entry.Length)
        {
            throw new InvalidPackageException($"The package's entry '{entry.Path}' holds {copied.Length} bytes, its header says {entry.Length}.");
        }

        return new StagedFile(entry.Path, target, copied.Length, copied.Sha256, entry.Mode);
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
