using System.Security.Cryptography;
using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// Checks a site's core files against the md5 checksums of a release, as <c>wp core verify-checksums</c> does, with
/// the core its recipe names (<see cref="CoreRecipe"/>; WordPress: every release file outside <c>wp-content/</c> must
/// be there with its checksum; a file in <c>wp-admin/</c> or <c>wp-includes/</c>, or a PHP file at the site's root
/// (<c>wp-config.php</c> excepted), that the release does not ship is injected). Symbolic links are never followed. Reads each core file once; holds only the checksums in memory.
/// </summary>
public static class CoreIntegrity
{
    public const int MaxListed = 100;

    /// <summary>WordPress's core (<see cref="ApplicationRecipes.WordPress"/>), for callers that check a WordPress site.</summary>
    public static CoreRecipe WordPress => ApplicationRecipes.WordPress.Core!;

    public static Task<CoreIntegrityReport> CheckAsync(
        string siteRoot, string version, IReadOnlyDictionary<string, string> md5ByPath, CancellationToken cancellationToken, CoreRecipe? core = null) =>
        CheckAsync(LocalSiteFileSystem.Instance, siteRoot, version, md5ByPath, cancellationToken, core);

    /// <inheritdoc cref="CheckAsync(string, string, IReadOnlyDictionary{string, string}, CancellationToken, CoreRecipe?)"/>
    public static async Task<CoreIntegrityReport> CheckAsync(
        ISiteFileSystem files, string siteRoot, string version, IReadOnlyDictionary<string, string> md5ByPath, CancellationToken cancellationToken,
        CoreRecipe? core = null)
    {
        core ??= WordPress;
        var userContent = core.UserContent.TrimEnd('/') + "/";
        var coreFolders = core.Folders;
        var rootFilesNotCore = new HashSet<string>(core.RootFilesNotCore, StringComparer.OrdinalIgnoreCase);
        var root = Path.GetFullPath(siteRoot);
        var present = ListCore(files, root, coreFolders, cancellationToken);
        var md5s = files.Shell is { } shell && shell.Tools.Contains("md5sum") && shell.Tools.Contains("xargs")
            ? await RemoteHashes.HashAllAsync(shell, root, md5ByPath.Keys.Where(p => present.GetValueOrDefault(p) == ManifestEntryTypes.File).ToList(),
                "md5sum", 32, cancellationToken)
            : [];
        var modified = new List<string>();
        var missing = new List<string>();
        var checkedFiles = 0;
        foreach (var (path, md5) in md5ByPath)
        {
            if (path.StartsWith(userContent, StringComparison.Ordinal))
            {
                continue;
            }

            checkedFiles++;
            if (!present.TryGetValue(path, out var type))
            {
                missing.Add(path);
            }
            else if (type != ManifestEntryTypes.File
                || (md5s.TryGetValue(path, out var found) ? found : await Md5Async(files, Path.Join(root, path), cancellationToken)) != md5.ToLowerInvariant())
            {
                modified.Add(path);
            }
        }

        // A folder or link that stands where a core folder should be hides the release's files beneath it.
        modified.AddRange(coreFolders.Where(f => present.TryGetValue(f, out var type) && type != ManifestEntryTypes.Directory));
        var injected = present.Where(p => p.Value != ManifestEntryTypes.Directory && !coreFolders.Contains(p.Key) && !md5ByPath.ContainsKey(p.Key)
            && (p.Key.Contains('/') || (p.Key.EndsWith(".php", StringComparison.OrdinalIgnoreCase) && !rootFilesNotCore.Contains(p.Key))))
            .Select(p => p.Key).ToList();

        var truncated = modified.Count > MaxListed || missing.Count > MaxListed || injected.Count > MaxListed;
        return new CoreIntegrityReport(version, checkedFiles, Listed(modified), Listed(missing), Listed(injected), truncated);
    }

    /// <summary>Root-level entries and everything under the core folders (when they are real folders), by relative path and type.</summary>
    private static Dictionary<string, string> ListCore(ISiteFileSystem files, string root, IReadOnlyList<string> coreFolders, CancellationToken cancellationToken)
    {
        var present = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!files.DirectoryExists(root))
        {
            return present;
        }

        foreach (var entry in files.List(root))
        {
            present[entry.Name] = entry.Info.Kind switch
            {
                EntryKind.Symlink => ManifestEntryTypes.Symlink,
                EntryKind.Directory => ManifestEntryTypes.Directory,
                _ => ManifestEntryTypes.File,
            };
        }

        foreach (var folder in coreFolders.Where(f => present.TryGetValue(f, out var type) && type == ManifestEntryTypes.Directory))
        {
            foreach (var item in SiteTree.Walk(files, Path.Join(root, folder), [], cancellationToken))
            {
                present[$"{folder}/{item.Path}"] = item.Type;
            }
        }

        return present;
    }

    private static IReadOnlyList<string> Listed(List<string> paths)
    {
        paths.Sort(StringComparer.Ordinal);
        return paths.Count > MaxListed ? paths[..MaxListed] : paths;
    }

    private static async Task<string> Md5Async(ISiteFileSystem files, string path, CancellationToken cancellationToken)
    {
        await using var stream = await files.OpenReadAsync(path, cancellationToken);
        // The release's checksums are md5 (all WordPress.org publishes); compared, never relied on for secrecy.
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken));
    }
}
