using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// The application's maintenance marker (WordPress: <c>.maintenance</c> holding <c>&lt;?php $upgrading = TIME; ?&gt;</c>),
/// written atomically; nothing for an application whose recipe has none. <see cref="PackageApplier.ApplyAsync"/> turns it on and off itself; callers that update
/// plugins and themes after the core can hold it on around the whole update with these methods.
/// </summary>
public static class MaintenanceMarker
{
    public static Task WriteAsync(string siteRoot, SiteRecipe recipe, TimeProvider time, CancellationToken cancellationToken) =>
        WriteAsync(new SiteWriter(Path.GetFullPath(siteRoot)), RecipeRules.Of(recipe), time, cancellationToken);

    public static void Remove(string siteRoot, SiteRecipe recipe) => Remove(LocalSiteFileSystem.Instance, siteRoot, recipe);

    public static Task WriteAsync(ISiteFileSystem files, string siteRoot, SiteRecipe recipe, TimeProvider time, CancellationToken cancellationToken) =>
        WriteAsync(new SiteWriter(files, Path.GetFullPath(siteRoot)), RecipeRules.Of(recipe), time, cancellationToken);

    public static void Remove(ISiteFileSystem files, string siteRoot, SiteRecipe recipe)
    {
        if (RecipeRules.Of(recipe) is { HasMaintenanceFile: true } rules)
        {
            new SiteWriter(files, Path.GetFullPath(siteRoot)).DeleteFileOrLink(rules.MaintenanceFile);
        }
    }

    internal static async Task WriteAsync(SiteWriter writer, RecipeRules rules, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!rules.HasMaintenanceFile)
        {
            return;
        }

        var content = rules.MaintenanceContent.Replace(
            SiteRecipe.UnixTimePlaceholder, time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await writer.WriteFileAsync(rules.MaintenanceFile, stream, FileModes.DefaultFile, null, cancellationToken);
    }
}
