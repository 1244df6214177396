using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>
/// What the file engine needs to know about an application's files, from its recipe in the catalog
/// (<see cref="ApplicationRecipe"/>; <see cref="Of"/>): the maintenance marker ("" for none), the user's paths an update
/// never touches, and the folder the package's files sit in ("" when the package is rooted at the site,
/// "wordpress/" for a zip from wordpress.org).
/// <paramref name="MaintenanceContent"/> is written to the marker with <see cref="UnixTimePlaceholder"/> replaced.
/// <paramref name="BundledFolders"/> are preserved folders whose subfolders a release may add to (WordPress:
/// <c>wp-content/plugins</c>, <c>wp-content/themes</c>; see <see cref="BundledFolders"/>).
/// </summary>
public sealed record SiteRecipe(
    string MaintenanceFile,
    IReadOnlyList<string> PreservedPaths,
    string PackageRoot = "",
    string MaintenanceContent = "",
    IReadOnlyList<string>? BundledFolders = null)
{
    public const string UnixTimePlaceholder = "{unixtime}";

    /// <summary>WordPress's (from <see cref="ApplicationRecipes.WordPress"/>).</summary>
    public static SiteRecipe WordPress { get; } = Of(ApplicationRecipes.WordPress);

    public static SiteRecipe Of(ApplicationRecipe recipe) =>
        new(recipe.MaintenanceFile, recipe.PreservedPaths, "", recipe.MaintenanceContent, recipe.BundledFolders);
}

/// <summary>A recipe with its paths checked and normalized.</summary>
internal sealed record RecipeRules(
    string MaintenanceFile, IReadOnlyList<string> PreservedPaths, string PackageRoot, string MaintenanceContent, IReadOnlyList<string> BundledFolders)
{
    public static RecipeRules Of(SiteRecipe recipe) => new(
        recipe.MaintenanceFile.Length == 0 ? "" : SitePaths.Normalize(recipe.MaintenanceFile), SitePaths.NormalizeAll(recipe.PreservedPaths), NormalizeRoot(recipe.PackageRoot),
        recipe.MaintenanceContent, SitePaths.NormalizeAll(recipe.BundledFolders));

    /// <summary>A package root as <see cref="SitePackage"/> strips it: <c>""</c> or a relative folder ending in '/'.</summary>
    public static string NormalizeRoot(string? packageRoot) => string.IsNullOrEmpty(packageRoot) ? "" : SitePaths.Normalize(packageRoot) + "/";

    /// <summary>True for a preserved path, anything under one, and the maintenance marker: an update leaves them alone.</summary>
    public bool IsPreserved(string path) => (MaintenanceFile.Length > 0 && path == MaintenanceFile) || SitePaths.IsUnderAny(path, PreservedPaths);

    public bool HasMaintenanceFile => MaintenanceFile.Length > 0;
}
