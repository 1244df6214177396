using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// The application's maintenance marker (WordPress: <c>.maintenance</c> holding <c>&lt;?php $upgrading = TIME; ?&gt;</c>),
/// written atomically. <see cref="PackageApplier.ApplyAsync"/> turns it on and off itself; callers that update
/// plugins and themes after the core can hold it on around the whole update with these methods.
/// </summary>
public static class MaintenanceMarker
{
    public static Task WriteAsync(string siteRoot, SiteRecipe recipe, TimeProvider time, CancellationToken cancellationToken) =>
        WriteAsync(new SiteWriter(Path.GetFullPath(siteRoot)), RecipeRules.Of(recipe), time, cancellationToken);

    public static void Remove(string siteRoot, SiteRecipe recipe) =>
        new SiteWriter(Path.GetFullPath(siteRoot)).DeleteFileOrLink(RecipeRules.Of(recipe).MaintenanceFile);

    public static Task WriteAsync(ISiteFileSystem files, string siteRoot, SiteRecipe recipe, TimeProvider time, CancellationToken cancellationToken) =>
        WriteAsync(new SiteWriter(files, Path.GetFullPath(siteRoot)), RecipeRules.Of(recipe), time, cancellationToken);

    public static void Remove(ISiteFileSystem files, string siteRoot, SiteRecipe recipe) =>
        new SiteWriter(files, Path.GetFullPath(siteRoot)).DeleteFileOrLink(RecipeRules.Of(recipe).MaintenanceFile);

    internal static async Task WriteAsync(SiteWriter writer, RecipeRules rules, TimeProvider time, CancellationToken cancellationToken)
    {
        var content = rules.MaintenanceContent.Replace(
            SiteRecipe.UnixTimePlaceholder, time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await writer.WriteFileAsync(rules.MaintenanceFile, stream, FileModes.DefaultFile, null, cancellationToken);
    }
}
