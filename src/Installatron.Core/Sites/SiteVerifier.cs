using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>Compares a site tree with a backup's manifest or with an application package, streaming every file once.</summary>
public static class SiteVerifier
{
    /// <summary>
    /// Every difference between <paramref name="siteRoot"/> and <paramref name="manifest"/>: missing and extra entries,
    /// changed content, mode, type or link target. Paths under <paramref name="excludeFiles"/> are ignored on both sides.
    /// </summary>
    public static Task<IReadOnlyList<SiteDifference>> VerifyAgainstManifestAsync(
        string siteRoot, SiteManifest manifest, IReadOnlyList<string> excludeFiles, CancellationToken cancellationToken) =>
        VerifyAgainstManifestAsync(LocalSiteFileSystem.Instance, siteRoot, manifest, excludeFiles, cancellationToken);

    /// <inheritdoc cref="VerifyAgainstManifestAsync(string, SiteManifest, IReadOnlyList{string}, CancellationToken)"/>
    /// <remarks>
    /// Files in <paramref name="contentChecked"/> had their content hashed moments ago by the caller (a restore checks
    /// what it writes and what it leaves); they are compared by type, size and mode only.
    /// </remarks>
    public static async Task<IReadOnlyList<SiteDifference>> VerifyAgainstManifestAsync(
        ISiteFileSystem files, string siteRoot, SiteManifest manifest, IReadOnlyList<string> excludeFiles, CancellationToken cancellationToken,
        IReadOnlySet<string>? contentChecked = null)
    {
        var root = Path.GetFullPath(siteRoot);
        var excludes = SitePaths.NormalizeAll(excludeFiles);
        var expected = manifest.Entries.Where(e => !SitePaths.IsUnderAny(e.Path, excludes)).ToList();
        var index = new Dictionary<string, int>(expected.Count, StringComparer.Ordinal);
        for (var i = 0; i < expected.Count; i++)
        {
            index[expected[i].Path] = i;
        }

        // One streaming walk of the tree; memory holds the manifest's paths, not a second listing.
        var seen = new bool[expected.Count];
        var differences = new List<SiteDifference>();
        var present = files.DirectoryExists(root) ? SiteTree.Walk(files, root, excludes, cancellationToken) : [];
        var hashes = await RemoteHashes.ForAsync(files, root,
            expected.Where(e => e.Type == ManifestEntryTypes.File && e.Size > 0 && contentChecked?.Contains(e.Path) != true).Select(e => e.Path), cancellationToken);
        foreach (var item in present)
        {
            if (index.TryGetValue(item.Path, out var i))
            {
                seen[i] = true;
                if (await CompareAsync(files, hashes, root, expected[i], item, contentChecked?.Contains(item.Path) == true, cancellationToken) is { } difference)
                {
                    differences.Add(difference);
                }
            }
            else if (item.Type != ManifestEntryTypes.Directory || !excludes.Any(x => SitePaths.IsSameOrUnder(x, item.Path)))
            {
                // A folder kept only because it holds excluded paths is not a difference.
                differences.Add(new SiteDifference(item.Path, SiteDifferenceKind.Extra, $"a {item.Type} the backup does not hold"));
            }
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!seen[i])
            {
                differences.Add(new SiteDifference(expected[i].Path, SiteDifferenceKind.Missing, $"the {expected[i].Type} is missing"));
            }
        }

        differences.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return differences;
    }

    /// <summary>
    /// Every core file of <paramref name="packageZip"/> that is missing from <paramref name="siteRoot"/> or differs
    /// from the package (content, mode, type). The recipe's preserved paths and maintenance file are ignored, and so
    /// are files the site has beyond the package.
    /// </summary>
    public static Task<IReadOnlyList<SiteDifference>> VerifyAgainstPackageAsync(
        string siteRoot, string packageZip, SiteRecipe recipe, CancellationToken cancellationToken) =>
        VerifyAgainstPackageAsync(LocalSiteFileSystem.Instance, siteRoot, packageZip, recipe, cancellationToken);

    /// <inheritdoc cref="VerifyAgainstPackageAsync(string, string, SiteRecipe, CancellationToken)"/>
    /// <remarks>
    /// The site is on <paramref name="files"/>; the package is a local file. <paramref name="packageDigest"/>: the SHA-256
    /// of the package's file entries by their names in the zip, computed when the package was checked (the package
    /// cache's); an entry it lacks is hashed from the zip.
    /// </remarks>
    public static async Task<IReadOnlyList<SiteDifference>> VerifyAgainstPackageAsync(
        ISiteFileSystem files, string siteRoot, string packageZip, SiteRecipe recipe, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? packageDigest = null)
    {
        var root = Path.GetFullPath(siteRoot);
        var rules = RecipeRules.Of(recipe);
        await using var package = await SitePackage.OpenAsync(packageZip, rules.PackageRoot, cancellationToken);
        var differences = new List<SiteDifference>();
        var safeDirectories = new HashSet<string>(StringComparer.Ordinal);
        if (await ListedSiteFileSystem.ListAsync(files, root, cancellationToken) is ListedSiteFileSystem listed)
        {
            // One listing on the host instead of an lstat per entry; a listed folder is a real one.
            files = listed;
            safeDirectories.UnionWith(listed.Directories);
        }

        var checkedEntries = package.Entries.Where(e => !rules.IsPreserved(e.Path)).ToList();
        var hashes = await RemoteHashes.ForAsync(files, root, checkedEntries.Where(e => !e.IsDirectory && e.Length > 0).Select(e => e.Path), cancellationToken);
        foreach (var entry in checkedEntries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string full;
            try
            {
                full = SitePaths.Resolve(files, root, entry.Path, safeDirectories);
            }
            catch (UnsafePathException ex)
            {
                differences.Add(new SiteDifference(entry.Path, SiteDifferenceKind.Unsafe, ex.Message));
                continue;
            }

            var info = files.Stat(full);
            var kind = info.Kind;
            var expectedKind = entry.IsDirectory ? EntryKind.Directory : EntryKind.File;
            if (kind == EntryKind.Missing)
            {
                differences.Add(new SiteDifference(entry.Path, SiteDifferenceKind.Missing, $"the package's {TypeName(expectedKind)} is missing"));
            }
            else if (kind != expectedKind)
            {
                differences.Add(new SiteDifference(entry.Path, SiteDifferenceKind.TypeChanged, $"a {TypeName(kind)}, the package has a {TypeName(expectedKind)}"));
            }
            else if (!entry.IsDirectory)
            {
                var same = info.Size == entry.Length;
                if (same && entry.Length > 0)
                {
                    same = await ExpectedSha256Async(package, entry, packageDigest, cancellationToken) == await hashes.Sha256Async(entry.Path, full, cancellationToken);
                }

                if (!same)
                {
                    differences.Add(new SiteDifference(entry.Path, SiteDifferenceKind.ContentChanged, "the content differs from the package"));
                }
                else if (info.Mode != entry.Mode)
                {
                    differences.Add(new SiteDifference(entry.Path, SiteDifferenceKind.ModeChanged,
                        $"mode {FileModes.Octal(info.Mode)}, the package has {FileModes.Octal(entry.Mode)}"));
                }
            }
        }

        return differences;
    }

    private static async Task<SiteDifference?> CompareAsync(
        ISiteFileSystem files, RemoteHashes hashes, string root, ManifestEntry expected, SiteItem present, bool contentChecked,
        CancellationToken cancellationToken)
    {
        var path = expected.Path;
        if (expected.Type != present.Type)
        {
            return new SiteDifference(path, SiteDifferenceKind.TypeChanged, $"a {present.Type}, the backup has a {expected.Type}");
        }

        switch (expected.Type)
        {
            case ManifestEntryTypes.Symlink:
                var target = files.ReadLink(Path.Join(root, path));
                return target == expected.LinkTarget
                    ? null
                    : new SiteDifference(path, SiteDifferenceKind.LinkTargetChanged, $"links to '{target}', the backup to '{expected.LinkTarget}'");

            case ManifestEntryTypes.File when present.Size != expected.Size
                || (expected.Size > 0 && !contentChecked && await hashes.Sha256Async(path, Path.Join(root, path), cancellationToken) != expected.Sha256):
                return new SiteDifference(path, SiteDifferenceKind.ContentChanged, "the content differs from the backup");

            default:
                return present.Mode == expected.Mode
                    ? null
                    : new SiteDifference(path, SiteDifferenceKind.ModeChanged,
                        $"mode {FileModes.Octal(present.Mode)}, the backup has {FileModes.Octal(expected.Mode)}");
        }
    }

    private static async Task<string> ExpectedSha256Async(
        SitePackage package, PackageEntry entry, IReadOnlyDictionary<string, string>? digest, CancellationToken cancellationToken)
    {
        if (digest is not null && entry.Zip is { } zip && digest.TryGetValue(zip.FullName, out var known))
        {
            return known;
        }

        await using var content = await package.OpenAsync(entry, cancellationToken);
        return await SiteFiles.Sha256Async(content, cancellationToken);
    }

    private static string TypeName(EntryKind kind) => kind switch
    {
        EntryKind.File => ManifestEntryTypes.File,
        EntryKind.Directory => ManifestEntryTypes.Directory,
        EntryKind.Symlink => ManifestEntryTypes.Symlink,
        _ => "nothing",
    };
}
