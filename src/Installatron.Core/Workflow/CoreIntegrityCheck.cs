using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// A WordPress site's core files against the checksums of a release, when the catalog sync stored them
/// (<see cref="CoreChecksumStore"/>): preflight reports the installed version's differences (on the task and in
/// <c>dryrun=all</c>'s answer); verify refuses a new core that differs from the target version's.
/// </summary>
public sealed class CoreIntegrityCheck(CoreChecksumStore checksums, RecipeBook recipes)
{
    /// <summary>
    /// The report for <paramref name="version"/> of the application at <paramref name="siteRoot"/>; null when its recipe
    /// names no core (<see cref="ApplicationRecipe.Core"/>) or no checksums are known.
    /// </summary>
    public async Task<CoreIntegrityReport?> CheckAsync(ISiteFileSystem files, string application, string version, string siteRoot, CancellationToken cancellationToken)
    {
        if ((await recipes.ForAsync(application, cancellationToken)).Core is not { } core
            || await checksums.GetAsync(application, version, cancellationToken) is not { } release)
        {
            return null;
        }

        return await CoreIntegrity.CheckAsync(files, siteRoot, version, release.Files, cancellationToken, core);
    }

    /// <summary>The installed core against its release, read at <paramref name="siteRoot"/> (the site's real path).</summary>
    public Task<CoreIntegrityReport?> CheckInstalledAsync(ISiteFileSystem files, Install install, string siteRoot, CancellationToken cancellationToken) =>
        CheckAsync(files, install.Application, install.Version, siteRoot, cancellationToken);

    /// <summary>The failed_verify message for a new core that differs from its release, or null when it matches.</summary>
    public static string? VerifyFailure(CoreIntegrityReport report, string application)
    {
        if (report.Modified.Count == 0 && report.Missing.Count == 0)
        {
            return null;
        }

        var parts = new List<string>();
        if (report.Modified.Count > 0)
        {
            parts.Add("modified: " + string.Join(", ", report.Modified.Take(5)) + (report.Modified.Count > 5 ? ", …" : ""));
        }

        if (report.Missing.Count > 0)
        {
            parts.Add("missing: " + string.Join(", ", report.Missing.Take(5)) + (report.Missing.Count > 5 ? ", …" : ""));
        }

        return $"The updated core files do not match the checksums of {application} {report.Version}: {string.Join("; ", parts)}.";
    }
}
