using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// Replace the core files of <paramref name="SiteRoot"/> with <paramref name="NewPackageZip"/>'s; remove the files
/// <paramref name="OldPackageZip"/> (the installed version's package, when known) shipped and the new one does not.
/// <paramref name="StagingDirectory"/> must be outside the site, e.g. <c>&lt;site&gt;/../.installatron-staging/&lt;id&gt;</c>.
/// The new package's files sit in the recipe's package root; the old package's in <paramref name="OldPackageRoot"/>
/// (<c>null</c>: the same), since two versions may have been published in different layouts.
/// </summary>
public sealed record ApplyRequest(
    string SiteRoot, string NewPackageZip, string? OldPackageZip, SiteRecipe Recipe, string StagingDirectory, string? OldPackageRoot = null);

/// <summary>
/// What an apply changed: files written, files already identical (left untouched), entries removed, and the bundled
/// folders (a new default theme) it added because the site lacked them.
/// </summary>
public sealed record ApplyResult(long FilesWritten, long FilesUnchanged, long EntriesRemoved, IReadOnlyList<string>? FoldersAdded = null);

/// <summary>
/// Applies an application package to a site, file by file, safe to run again after a crash: every path is checked
/// before anything changes (a package entry or a symbolic link leading outside the site refuses the whole apply),
/// each file is copied to a temporary name next to its target and renamed over it, files already identical are left
/// alone, and the recipe's preserved paths are never read or written.
/// </summary>
public sealed class PackageApplier(TimeProvider time)
{
    /// <summary>
    /// Maintenance marker on; the package extracted to the staging folder; core folders and files written; files
    /// only the old package shipped removed (folders too, once empty); bundled folders new since the old package
    /// added where the site lacks them (<see cref="BundledFolders"/>); marker off and staging folder removed. On a
    /// failure the marker stays on (the site is mid-update) for the caller to retry or revert.
    /// </summary>
    public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken) =>
        ApplyAsync(LocalSiteFileSystem.Instance, request, cancellationToken);

    /// <inheritdoc cref="ApplyAsync(ApplyRequest, CancellationToken)"/>
    /// <remarks>The site and the staging folder are on <paramref name="files"/>; the packages are local files.</remarks>
    public async Task<ApplyResult> ApplyAsync(ISiteFileSystem files, ApplyRequest request, CancellationToken cancellationToken)
    {
        var root = SiteRootOf(files, request.SiteRoot);
        var rules = RecipeRules.Of(request.Recipe);
        var staging = StagingArea.For(files, request.StagingDirectory, root);
        await using var package = await SitePackage.OpenAsync(request.NewPackageZip, rules.PackageRoot, cancellationToken);
        await using var old = request.OldPackageZip is null ? null
            : await SitePackage.OpenAsync(request.OldPackageZip, request.OldPackageRoot is null ? rules.PackageRoot : RecipeRules.NormalizeRoot(request.OldPackageRoot), cancellationToken);

        var core = package.Entries.Where(e => !rules.IsPreserved(e.Path)).ToList();
        var shipped = package.Entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var obsolete = old?.Entries.Where(e => !shipped.Contains(e.Path) && !rules.IsPreserved(e.Path)).ToList() ?? [];
        var writer = await SiteWriter.OpenAsync(files, root, cancellationToken);
        CheckBeforeWriting(writer, rules, core, obsolete);
        var adding = BundledFolders.MissingFrom(writer, BundledFolders.NewSince(rules, package, old));
        var addingEntries = package.Entries.Where(e => adding.Any(folder => SitePaths.IsSameOrUnder(e.Path, folder))).ToList();
        staging.EnsureUsable();
        var staged = await staging.DigestAsync(package, core.Concat(addingEntries), cancellationToken);
        Task Stage(IReadOnlyList<StagedFile> files, CancellationToken ct) => staging.StageAsync(package, files, ct);

        await MaintenanceMarker.WriteAsync(writer, rules, time, cancellationToken);
        try
        {
            await staging.ResetAsync(cancellationToken);
            var stagedAdding = staged.Where(f => adding.Any(folder => SitePaths.IsSameOrUnder(f.Path, folder))).ToList();
            staged = staged.Where(f => !rules.IsPreserved(f.Path)).ToList();

            foreach (var directory in core.Where(e => e.IsDirectory))
            {
                writer.EnsureDirectory(directory.Path, directory.Mode, replaceLink: false, makeWritable: false);
            }

            var (written, unchanged) = await CopyIntoSiteAsync(writer, staged, Stage, cancellationToken);
            long removed = 0;
            foreach (var entry in obsolete.Where(e => !e.IsDirectory))
            {
                removed += writer.DeleteFileOrLink(entry.Path) ? 1 : 0;
            }

            foreach (var entry in obsolete.Where(e => e.IsDirectory).OrderByDescending(e => e.Path, StringComparer.Ordinal))
            {
                removed += writer.DeleteDirectoryIfEmpty(entry.Path) ? 1 : 0;
            }

            foreach (var folder in adding)
            {
                await BundledFolders.AddAsync(writer, folder, addingEntries, stagedAdding.Where(f => SitePaths.IsSameOrUnder(f.Path, folder)).ToList(), Stage, cancellationToken);
            }

            if (rules.HasMaintenanceFile)
            {
                writer.DeleteFileOrLink(rules.MaintenanceFile);
            }

            return new ApplyResult(written, unchanged, removed, adding);
        }
        finally
        {
            await staging.DeleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Replaces <paramref name="componentDirectory"/> (e.g. <c>wp-content/plugins/akismet</c>) with the content of
    /// <paramref name="componentZip"/>, whose entries all sit in one top folder (<c>akismet/akismet.php</c>): files
    /// written, files the zip no longer holds removed. A symbolic link at the component's place is replaced by a
    /// folder, never written through. Maintenance is the caller's (see <see cref="MaintenanceMarker"/>).
    /// </summary>
    public Task<ApplyResult> ApplyComponentAsync(
        string siteRoot, string componentDirectory, string componentZip, string stagingDirectory, CancellationToken cancellationToken) =>
        ApplyComponentAsync(LocalSiteFileSystem.Instance, siteRoot, componentDirectory, componentZip, stagingDirectory, cancellationToken);

    /// <inheritdoc cref="ApplyComponentAsync(string, string, string, string, CancellationToken)"/>
    public async Task<ApplyResult> ApplyComponentAsync(
        ISiteFileSystem files, string siteRoot, string componentDirectory, string componentZip, string stagingDirectory, CancellationToken cancellationToken)
    {
        var root = SiteRootOf(files, siteRoot);
        var component = SitePaths.Normalize(componentDirectory);
        var staging = StagingArea.For(files, stagingDirectory, root);
        await using var package = await SitePackage.OpenAsync(componentZip, "", cancellationToken);
        var tops = package.Entries.Where(e => !e.Path.Contains('/')).ToList();
        if (tops is not [{ IsDirectory: true } top])
        {
            throw new InvalidPackageException(
                $"The component package '{componentZip}' must hold exactly one top folder (the component's, e.g. 'akismet/'), not {string.Join(", ", tops.Select(t => $"'{t.Path}'"))}.");
        }

        var prefix = top.Path + "/";
        var entries = package.Entries.Where(e => e.Path != top.Path)
            .Select(e => e with { Path = $"{component}/{e.Path[prefix.Length..]}" })
            .ToList();
        var writer = await SiteWriter.OpenAsync(files, root, cancellationToken);
        writer.Resolve(component);
        var ancestors = Ancestors(component).ToList();
        foreach (var ancestor in ancestors)
        {
            writer.ResolveDirectory(ancestor);
        }

        staging.EnsureUsable();
        var staged = await staging.DigestAsync(package, entries, cancellationToken);
        try
        {
            await staging.ResetAsync(cancellationToken);

            foreach (var ancestor in ancestors)
            {
                writer.EnsureDirectory(ancestor, FileModes.DefaultDirectory, replaceLink: false, makeWritable: false);
            }

            writer.EnsureDirectory(component, top.Mode, replaceLink: true, makeWritable: false);
            foreach (var directory in entries.Where(e => e.IsDirectory))
            {
                writer.EnsureDirectory(directory.Path, directory.Mode, replaceLink: true, makeWritable: false);
            }

            var (written, unchanged) = await CopyIntoSiteAsync(writer, staged, (files, ct) => staging.StageAsync(package, files, ct), cancellationToken);
            var wanted = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            long removed = 0;
            var extras = SiteTree.Walk(files, writer.ResolveDirectory(component), [], cancellationToken)
                .Select(item => $"{component}/{item.Path}")
                .Where(path => !wanted.Contains(path))
                .ToList();
            foreach (var path in extras.OrderByDescending(p => p, StringComparer.Ordinal))
            {
                removed += writer.DeleteTree(path) ? 1 : 0;
            }

            return new ApplyResult(written, unchanged, removed);
        }
        finally
        {
            await staging.DeleteAsync(cancellationToken);
        }
    }

    private static string SiteRootOf(ISiteFileSystem files, string siteRoot)
    {
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        return files.DirectoryExists(root) ? root : throw new DirectoryNotFoundException($"The site directory '{files.Describe(root)}' does not exist.");
    }

    /// <summary>Refuses, before anything is written, every path that would go through a symbolic link out of the site.</summary>
    private static void CheckBeforeWriting(SiteWriter writer, RecipeRules rules, List<PackageEntry> core, List<PackageEntry> obsolete)
    {
        if (rules.HasMaintenanceFile)
        {
            writer.Resolve(rules.MaintenanceFile);
        }

        foreach (var entry in core)
        {
            if (entry.IsDirectory)
            {
                writer.ResolveDirectory(entry.Path);
            }
            else
            {
                writer.Resolve(entry.Path);
                if (rules.PreservedPaths.FirstOrDefault(p => SitePaths.IsSameOrUnder(p, entry.Path)) is { } preserved)
                {
                    throw new InvalidPackageException($"The package's file '{entry.Path}' would replace the folder holding the preserved path '{preserved}'.");
                }
            }
        }

        foreach (var entry in obsolete)
        {
            writer.Resolve(entry.Path);
        }
    }

    /// <summary>
    /// Writes the files of <paramref name="files"/> that the site does not already hold as they should be (decided by
    /// size, mode and SHA-256; on a host with a shell, the hashes computed there in one batch); <paramref name="stage"/>
    /// extracts just those into the staging area first.
    /// </summary>
    internal static async Task<(long Written, long Unchanged)> CopyIntoSiteAsync(
        SiteWriter writer, List<StagedFile> files, Func<IReadOnlyList<StagedFile>, CancellationToken, Task> stage, CancellationToken cancellationToken)
    {
        // Only files that may be the same (a file there of the right size and mode) are worth hashing on the host.
        var hashes = await RemoteHashes.ForAsync(writer.Files, writer.Root, files.Where(f => f.Length > 0 && writer.MayBeSameFile(f.Path, f.Length, f.Mode)).Select(f => f.Path),
            cancellationToken);
        var changed = new List<StagedFile>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!await writer.IsSameFileAsync(file.Path, file.Length, file.Mode, file.Sha256, cancellationToken, hashes))
            {
                changed.Add(file);
            }
        }

        await stage(changed, cancellationToken);
        if (writer.Files.Shell is { } shell && new[] { "xargs", "cat", "sha256sum" }.All(shell.Tools.Contains))
        {
            await writer.CopyOnHostAsync(shell, changed, cancellationToken);
            return (changed.Count, files.Count - changed.Count);
        }

        foreach (var file in changed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var content = await writer.Files.OpenReadAsync(file.StagedPath, cancellationToken);
            var copied = await writer.WriteFileAsync(file.Path, content, file.Mode, null, cancellationToken);
            if (copied.Sha256 != file.Sha256)
            {
                throw new IOException($"The staged copy of '{file.Path}' changed while it was being copied into the site.");
            }
        }

        return (changed.Count, files.Count - changed.Count);
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }
}
