namespace Installatron.Core.Domain;

/// <summary>What kind of package a layout is (older catalog rows say <c>wordpress</c>, <c>wordpress-plugin</c>, <c>wordpress-theme</c>).</summary>
public static class PackageKinds
{
    /// <summary>An application's core: it holds the recipe's <see cref="ApplicationRecipe.PackageHolds"/>, at the top or in one top folder.</summary>
    public const string Core = "core";

    /// <summary>One component (a plugin, a theme), rooted at its folder.</summary>
    public const string Component = "component";

    /// <summary>An application whose recipe asks nothing of its packages: files rooted at the site, no version read.</summary>
    public const string Files = "files";
}

/// <summary>
/// What a package must look like, from its application's recipe: a core package (<paramref name="Holds"/>, its
/// <paramref name="Version"/>), a component's (<paramref name="Component"/> with its folder's name <paramref
/// name="Slug"/>), or plain files. <paramref name="Name"/> names the application in messages.
/// </summary>
public sealed record PackageShape(string Kind, string Name, IReadOnlyList<string> Holds, VersionSource? Version, ComponentRecipe? Component = null, string Slug = "")
{
    public static PackageShape Of(string application, ApplicationRecipe recipe) =>
        recipe.PackageHolds.Count == 0 && recipe.Version is null
            ? new(PackageKinds.Files, NameOf(application, recipe), [], null)
            : new(PackageKinds.Core, NameOf(application, recipe), recipe.PackageHolds, recipe.Version);

    /// <param name="parent">The recipe of the application the component belongs to (its name is used in messages).</param>
    public static PackageShape OfComponent(ApplicationRecipe parent, string parentApplication, ComponentRecipe component, string slug) =>
        new(PackageKinds.Component, NameOf(parentApplication, parent), [], null, component, slug);

    private static string NameOf(string application, ApplicationRecipe recipe) => recipe.Name.Length > 0 ? recipe.Name : application;
}

/// <summary>
/// What a package was found to hold when it was published, stored with its version: its kind; <paramref name="Root"/>,
/// the folder its files sit in inside the zip (<c>""</c>, <c>wordpress/</c>, <c>akismet/</c>), which an update strips;
/// the file the version was read from (a path in the zip); that version; and, for WordPress core, the database
/// schema version it needs (<c>$wp_db_version</c>).
/// </summary>
public sealed record PackageLayout(string Kind, string Root, string VersionFile = "", string Version = "", string DbVersion = "");
