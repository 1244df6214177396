using Installatron.Core.Domain;

namespace Installatron.Core.Api;

/// <summary><c>POST /browser/{app}/recipe</c>'s body, read into an <see cref="ApplicationRecipe"/>: a field left out keeps its default.</summary>
public static class RecipeRequest
{
    private static readonly IReadOnlyList<string> Parameters =
    [
        "name", "preserved_paths", "maintenance_file", "maintenance_content", "bundled_folders", "package_holds", "version", "health_paths",
        "fatal_markers", "upgrade_path", "components", "config", "database", "core", "link_admin",
    ];

    public static ApplicationRecipe Read(RequestFields fields)
    {
        fields.RejectUnknown(Parameters);
        var defaults = new ApplicationRecipe();
        return new ApplicationRecipe
        {
            Name = fields.String("name") ?? defaults.Name,
            PreservedPaths = fields.StringList("preserved_paths") ?? defaults.PreservedPaths,
            MaintenanceFile = fields.String("maintenance_file") ?? defaults.MaintenanceFile,
            MaintenanceContent = fields.String("maintenance_content") ?? defaults.MaintenanceContent,
            BundledFolders = fields.StringList("bundled_folders") ?? defaults.BundledFolders,
            PackageHolds = fields.StringList("package_holds") ?? defaults.PackageHolds,
            Version = Object<VersionSource>(fields, "version", v => v.File),
            HealthPaths = fields.StringList("health_paths") ?? defaults.HealthPaths,
            FatalMarkers = fields.StringList("fatal_markers") ?? defaults.FatalMarkers,
            UpgradePath = fields.String("upgrade_path"),
            Components = fields.Json<List<ComponentRecipe>>("components") is { } components
                ? components.Any(c => c is null || string.IsNullOrEmpty(c.Kind) || string.IsNullOrEmpty(c.Folder) || c.ApplicationPrefix is null
                    || string.IsNullOrEmpty(c.MainFile) || string.IsNullOrEmpty(c.NameHeader))
                    ? throw RequestFields.Invalid("components", "must be an array of {kind, folder, application_prefix, main_file, name_header, …}")
                    : components
                : defaults.Components,
            Config = Object<ConfigRecipe>(fields, "config", c => c.File),
            Database = Object<DatabaseRecipe>(fields, "database", d => d.OptionsTable),
            Core = Object<CoreRecipe>(fields, "core", c => c.UserContent),
            LinkAdmin = fields.String("link_admin") ?? defaults.LinkAdmin,
        };
    }

    /// <summary>A JSON object of the recipe; <paramref name="required"/> must be set in it.</summary>
    private static T? Object<T>(RequestFields fields, string name, Func<T, string?> required) where T : class =>
        fields.Json<T>(name) is { } value
            ? string.IsNullOrEmpty(required(value)) ? throw RequestFields.Invalid(name, "is missing a required member") : value
            : null;
}
