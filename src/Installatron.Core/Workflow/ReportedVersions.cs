using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Workflow;

/// <summary>
/// The post-conditions an outsider would check after an update: the application reports the target version from its
/// own files (WordPress: <c>$wp_version</c> in <c>wp-includes/version.php</c>; each plugin or theme replaced: its
/// header), and, once the database upgrade step ran, WordPress's <c>db_version</c> option equals the new core's
/// <c>$wp_db_version</c>. A tree that matches the package is not enough: a package can carry the wrong version.
/// </summary>
public static class ReportedVersions
{
    /// <summary>Every way the site's own files contradict what the update installed; empty when they agree.</summary>
    public static IReadOnlyList<string> Contradictions(UpdateState state)
    {
        var install = state.Install.Value;
        if (install.Application != Applications.WordPress)
        {
            return [];
        }

        var site = state.SiteRoot;
        var problems = new List<string>();
        if (state.Target is { } target)
        {
            var reported = ReadCoreVersion(site);
            if (reported is null || !SameVersion(reported, target.Version))
            {
                problems.Add($"{PackageLayoutReader.WordPressVersionFile} says WordPress {reported ?? "nothing"}, not {target.Version}");
            }
        }

        var plugins = WordPressInventory.Plugins(site);
        var themes = WordPressInventory.Themes(site);
        foreach (var applied in state.Task.Value.Applied.Where(a => a.From.Length > 0))
        {
            var found = (applied.Kind == "plugin" ? plugins : themes).FirstOrDefault(c => c.Id == applied.Id);
            if (found is null || !SameVersion(found.Version, applied.To))
            {
                problems.Add($"the {applied.Kind} {applied.Id} says version {found?.Version ?? "nothing"} in its header, not {applied.To}");
            }
        }

        return problems;
    }

    /// <summary>
    /// The database schema version the new core needs (its <c>$wp_db_version</c>) when WordPress's <c>db_version</c>
    /// option does not equal it, i.e. the database upgrade did not run; <c>null</c> when they agree or there is
    /// nothing to compare (no database, no target core, no <c>$wp_db_version</c>).
    /// </summary>
    public static async Task<string?> DatabaseBehindAsync(UpdateState state, CancellationToken cancellationToken)
    {
        var install = state.Install.Value;
        if (install.Application != Applications.WordPress || state.Target is null || InstallDatabase.For(install) is not { } database)
        {
            return null;
        }

        var needed = WordPressSiteFiles.ReadVersion(state.SiteRoot)?.DbVersion ?? "";
        if (needed.Length == 0)
        {
            return null;
        }

        var actual = await WordPressOptions.ReadDbVersionAsync(database, install.DbPrefix, cancellationToken);
        return actual == needed ? null : $"db_version is {actual ?? "missing"}, WordPress {state.Target.Version} needs {needed}";
    }

    private static bool SameVersion(string reported, string expected) =>
        AppVersion.TryParse(reported, out var a) && AppVersion.TryParse(expected, out var b) ? a.Equals(b) : reported == expected;

    private static string? ReadCoreVersion(string siteRoot)
    {
        try
        {
            return WordPressSiteFiles.ReadVersion(siteRoot)?.Version;
        }
        catch (SiteFilesException)
        {
            return null;
        }
    }
}
