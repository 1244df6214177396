namespace Installatron.Core.Sites;

/// <summary>
/// Plugin and theme folders a release ships in <c>wp-content/</c> that the installed version's package did not (a new
/// default theme). As WordPress's own core updater does with its list of new bundled files, such a folder is added
/// when the site lacks it, never written over, and a folder the installed version already shipped is never added
/// back: if the site lacks that one, its owner deleted it. Without the installed version's package nothing is new.
/// </summary>
internal static class BundledFolders
{
    private const string AddingPrefix = ".installatron-adding-";

    /// <summary>The folders directly under one of the recipe's bundled folders that <paramref name="package"/> ships and <paramref name="old"/> does not.</summary>
    public static IReadOnlyList<string> NewSince(RecipeRules rules, SitePackage package, SitePackage? old)
    {
        if (old is null || rules.BundledFolders.Count == 0)
        {
            return [];
        }

        var shippedBefore = old.Entries.Where(e => e.IsDirectory).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return package.Entries
            .Where(e => e.IsDirectory && rules.BundledFolders.Any(parent => IsChildOf(e.Path, parent)) && !shippedBefore.Contains(e.Path))
            .Select(e => e.Path)
            .ToList();
    }

    /// <summary>
    /// Those of <paramref name="folders"/> the site can receive: nothing is at their place (not even a link), and
    /// their parent is a real folder of the site (a <c>wp-content</c> linked elsewhere receives nothing).
    /// </summary>
    public static IReadOnlyList<string> MissingFrom(SiteWriter writer, IReadOnlyList<string> folders)
    {
        var missing = new List<string>();
        foreach (var folder in folders)
        {
            try
            {
                var parent = folder[..folder.LastIndexOf('/')];
                if (writer.Files.Stat(writer.ResolveDirectory(parent)).Kind == EntryKind.Directory && writer.KindOf(folder) == EntryKind.Missing)
                {
                    missing.Add(folder);
                }
            }
            catch (UnsafePathException)
            {
                // A folder on the way leads out of the site: not ours to fill.
            }
        }

        return missing;
    }

    /// <summary>
    /// Writes each folder under a temporary name beside its place, then renames it into place, so a crash never
    /// leaves half a folder that a rerun would take for the site's own.
    /// </summary>
    public static async Task AddAsync(
        SiteWriter writer, string folder, IReadOnlyList<PackageEntry> entries, IReadOnlyList<StagedFile> staged,
        Func<IReadOnlyList<StagedFile>, CancellationToken, Task> stage, CancellationToken cancellationToken)
    {
        var slash = folder.LastIndexOf('/');
        var temporary = $"{folder[..slash]}/{AddingPrefix}{folder[(slash + 1)..]}";
        string Rename(string path) => temporary + path[folder.Length..];

        writer.DeleteTree(temporary);
        foreach (var directory in entries.Where(e => e.IsDirectory && SitePaths.IsSameOrUnder(e.Path, folder)))
        {
            writer.EnsureDirectory(Rename(directory.Path), directory.Mode | FileModes.OwnerAll, replaceLink: true, makeWritable: false);
        }

        await PackageApplier.CopyIntoSiteAsync(writer, staged.Select(file => file with { Path = Rename(file.Path) }).ToList(), stage, cancellationToken);
        foreach (var directory in entries.Where(e => e.IsDirectory && SitePaths.IsSameOrUnder(e.Path, folder)))
        {
            writer.SetDirectoryMode(Rename(directory.Path), directory.Mode);
        }

        writer.MoveDirectory(temporary, folder);
    }

    private static bool IsChildOf(string path, string parent) =>
        path.Length > parent.Length + 1 && path.StartsWith(parent + "/", StringComparison.Ordinal) && path.IndexOf('/', parent.Length + 1) < 0;
}
