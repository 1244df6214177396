using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Workflow;

/// <summary>
/// The post-conditions an outsider would check after an update, where the application's recipe says to look: the
/// application reports the target version from its own files (WordPress: <c>$wp_version</c> in
/// <c>wp-includes/version.php</c>; each component replaced: its header), and, once the upgrade step ran, the
/// database's schema version option (WordPress: <c>db_version</c>) equals the new core's (<c>$wp_db_version</c>). A
/// tree that matches the package is not enough: a package can carry the wrong version.
/// </summary>
public static class ReportedVersions
{
    /// <summary>Every way the site's own files contradict what the update installed; empty when they agree.</summary>
    public static async Task<IReadOnlyList<string>> ContradictionsAsync(UpdateState state, UpdateSite updateSite, CancellationToken cancellationToken)
    {
        var recipe = state.Recipe;
        var files = updateSite.Files;
        var site = updateSite.Root;
        var problems = new List<string>();
        if (state.Target is { } target && recipe.Version is { } source)
        {
            var reported = (await ReadVersionAsync(files, site, source, cancellationToken))?.Version;
            if (reported is null || !SameVersion(reported, target.Version))
            {
                problems.Add($"{source.File} says {NameOf(state)} {reported ?? "nothing"}, not {target.Version}");
            }
        }

        foreach (var applied in state.Task.Value.Applied.Where(a => a.From.Length > 0))
        {
            var found = recipe.Component(applied.Kind) is { } component
                ? (await ComponentInventory.FindAsync(files, site, component, cancellationToken)).FirstOrDefault(c => c.Id == applied.Id)
                : null;
            if (found is null || !SameVersion(found.Version, applied.To))
            {
                problems.Add($"the {applied.Kind} {applied.Id} says version {found?.Version ?? "nothing"} in its header, not {applied.To}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The database schema version the new core needs when the database's own version option does not equal it,
    /// i.e. the upgrade step did not run; <c>null</c> when they agree or there is nothing to compare (no database, no
    /// target core, no schema version in the recipe or the files).
    /// </summary>
    public static async Task<string?> DatabaseBehindAsync(UpdateState state, UpdateSite site, CancellationToken cancellationToken)
    {
        var install = state.Install.Value;
        if (state.Target is null || state.Recipe is not { Version: { DbPhpVariable: not null } source, Database: { VersionOption: { } option } options }
            || await site.DatabaseAsync(cancellationToken) is not { } database)
        {
            return null;
        }

        var needed = (await ReadVersionAsync(site.Files, site.Root, source, cancellationToken))?.DbVersion ?? "";
        if (needed.Length == 0)
        {
            return null;
        }

        var actual = await SiteOptions.ReadAsync(database, install.DbPrefix, options, option, cancellationToken);
        return actual == needed ? null : $"{option} is {actual ?? "missing"}, {NameOf(state)} {state.Target.Version} needs {needed}";
    }

    private static string NameOf(UpdateState state) => state.Recipe.Name.Length > 0 ? state.Recipe.Name : state.Install.Value.Application;

    private static bool SameVersion(string reported, string expected) =>
        AppVersion.TryParse(reported, out var a) && AppVersion.TryParse(expected, out var b) ? a.Equals(b) : reported == expected;

    private static async Task<FoundVersion?> ReadVersionAsync(ISiteFileSystem files, string siteRoot, VersionSource source, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplicationFiles.ReadVersionAsync(files, siteRoot, source, null, cancellationToken);
        }
        catch (SiteFilesException e) when (!SiteFailures.IsTransient(e))
        {
            return null;
        }
    }
}
