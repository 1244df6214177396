namespace Installatron.Core.Sites;

/// <summary>
/// What an application update needs to know about the files of an application (data from the catalog, not code):
/// the maintenance marker, the user's paths an update never touches, and the folder the package's files sit in
/// ("" when the package is rooted at the site, "wordpress/" for a zip from wordpress.org).
/// <paramref name="MaintenanceContent"/> is written to the marker with <see cref="UnixTimePlaceholder"/> replaced.
/// </summary>
public sealed record SiteRecipe(
    string MaintenanceFile,
    IReadOnlyList<string> PreservedPaths,
    string PackageRoot = "",
    string MaintenanceContent = SiteRecipe.WordPressMaintenanceContent)
{
    public const string UnixTimePlaceholder = "{unixtime}";
    public const string WordPressMaintenanceContent = "<?php $upgrading = {unixtime}; ?>";

    public static SiteRecipe WordPress { get; } = new(".maintenance", ["wp-content", "wp-config.php", ".htaccess"]);
}

/// <summary>A recipe with its paths checked and normalized.</summary>
internal sealed record RecipeRules(string MaintenanceFile, IReadOnlyList<string> PreservedPaths, string PackageRoot, string MaintenanceContent)
{
    public static RecipeRules Of(SiteRecipe recipe)
    {
        var packageRoot = string.IsNullOrEmpty(recipe.PackageRoot) ? "" : SitePaths.Normalize(recipe.PackageRoot) + "/";
        return new RecipeRules(
            SitePaths.Normalize(recipe.MaintenanceFile), SitePaths.NormalizeAll(recipe.PreservedPaths), packageRoot, recipe.MaintenanceContent);
    }

    /// <summary>True for a preserved path, anything under one, and the maintenance marker: an update leaves them alone.</summary>
    public bool IsPreserved(string path) => path == MaintenanceFile || SitePaths.IsUnderAny(path, PreservedPaths);
}
