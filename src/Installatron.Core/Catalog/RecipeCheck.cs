using System.Text.RegularExpressions;
using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Catalog;

/// <summary>
/// Checks a recipe before it is stored: every path it names is a plain path relative to the site (no '..', nothing
/// absolute), its version pattern compiles and has a <c>version</c> group, its database names are plain names, and each
/// component's catalog prefix makes valid application IDs. The first problem is refused with
/// <c>invalid_argument_{field}</c>.
/// </summary>
public static partial class RecipeCheck
{
    public static void Check(ApplicationRecipe recipe)
    {
        Paths("preserved_paths", recipe.PreservedPaths);
        Paths("bundled_folders", recipe.BundledFolders);
        Paths("package_holds", recipe.PackageHolds);
        Paths("health_paths", recipe.HealthPaths.Where(p => p.Length > 0));
        if (recipe.MaintenanceFile.Length > 0)
        {
            Paths("maintenance_file", [recipe.MaintenanceFile]);
        }

        if (recipe.UpgradePath is { } upgrade)
        {
            Paths("upgrade_path", [upgrade.Split('?')[0]]);
        }

        if (recipe.Version is { } version)
        {
            Paths("version", [version.File]);
            if (version.PhpVariable is null == version.Pattern is null)
            {
                throw Refusal.InvalidArgument("version", "must name either php_variable or pattern");
            }

            if (version.Pattern is { } pattern && !HasVersionGroup(pattern))
            {
                throw Refusal.InvalidArgument("version", $"has the pattern '{pattern}', which is not a regular expression with a group named version");
            }
        }

        foreach (var component in recipe.Components)
        {
            Paths("components", [component.Folder]);
            if (!Ids.IsValidApplicationId(component.ApplicationPrefix + "x") || !Name().IsMatch(component.Kind) || component.MainFile.Contains('/'))
            {
                throw Refusal.InvalidArgument("components", $"holds the {component.Kind} component, whose kind, application_prefix or main_file is not plain");
            }
        }

        if (recipe.Config is { } config)
        {
            Paths("config", [config.File]);
        }

        if (recipe.Database is { } database && new[] { database.OptionsTable, database.OptionName, database.OptionValue }.Any(n => !Name().IsMatch(n)))
        {
            throw Refusal.InvalidArgument("database", "must name its table and columns with letters, digits and '_'");
        }

        if (recipe.Core is { } core)
        {
            Paths("core", [.. core.Folders, core.UserContent]);
        }
    }

    private static void Paths(string field, IEnumerable<string> paths)
    {
        if (paths.FirstOrDefault(p => !SitePaths.TryNormalize(p, out _)) is { } bad)
        {
            throw Refusal.InvalidArgument(field, $"holds '{bad}', which is not a plain path relative to the site");
        }
    }

    private static bool HasVersionGroup(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)).GetGroupNames().Contains("version");
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_]{1,64}\z")]
    private static partial Regex Name();
}
