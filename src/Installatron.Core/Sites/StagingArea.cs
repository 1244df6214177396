namespace Installatron.Core.Sites;

/// <summary>A package file extracted to the staging area, with what it should be once in the site.</summary>
internal sealed record StagedFile(string Path, string StagedPath, long Length, string Sha256, int Mode);

/// <summary>
/// The folder a package is extracted into before its files are copied into the site: outside the site, marked as
/// ours with <see cref="OwnerFile"/> (a non-empty folder without it is never cleared), emptied on every run.
/// </summary>
internal sealed class StagingArea
{
    public const string OwnerFile = ".installatron-staging";

    private readonly string _directory;

    private StagingArea(string directory) => _directory = directory;

    public static StagingArea For(string stagingDirectory, string siteRoot)
    {
        var full = SitePaths.RequireRealRoot(stagingDirectory);
        var realStaging = full;
        var realRoot = SitePaths.RealPath(siteRoot);
        if (SitePaths.IsSameOrUnder(realStaging, realRoot) || SitePaths.IsSameOrUnder(realRoot, realStaging))
        {
            throw new ArgumentException($"The staging directory '{full}' must be outside the site '{siteRoot}' and must not contain it.",
                nameof(stagingDirectory));
        }

        return new StagingArea(full);
    }

    /// <summary>Empties the staging folder (after a crash it may hold a previous run's files) and marks it as ours.</summary>
    public void Reset()
    {
        Delete();
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Join(_directory, OwnerFile), "Installatron staging folder: deleted when the update ends.\n");
    }

    public async Task<StagedFile> ExtractAsync(SitePackage package, PackageEntry entry, CancellationToken cancellationToken)
    {
        var target = Path.Join(_directory, "package", entry.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        (string Sha256, long Length) copied;
        await using (var source = await package.OpenAsync(entry, cancellationToken))
        await using (var output = SiteFiles.CreateNew(target))
        {
            try
            {
                copied = await SiteFiles.CopyAsync(source, output, cancellationToken);
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
        if (SiteTree.KindOf(_directory) == EntryKind.Directory)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private bool IsUsable() => SiteTree.KindOf(_directory) switch
    {
        EntryKind.Missing => true,
        EntryKind.Directory => File.Exists(Path.Join(_directory, OwnerFile)) || !Directory.EnumerateFileSystemEntries(_directory).Any(),
        _ => false,
    };
}
