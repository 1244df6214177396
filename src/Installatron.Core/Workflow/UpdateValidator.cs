using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>An update request that passed every check the edge can make, with the application's catalog as it was read for it (once per request).</summary>
public sealed record ValidatedUpdate(
    UpdateRequest Request,
    InstallInContext Context,
    CatalogVersion? Target,
    IReadOnlyList<PluginInfo> Plugins,
    IReadOnlyList<ThemeInfo> Themes,
    IReadOnlyList<CatalogVersion> Versions);

/// <summary>
/// The checks of an update that need no site access, in the order a caller would want them reported: who acts, which
/// install, which plugins/themes, which version. Reads only; changes nothing.
/// </summary>
public sealed class UpdateValidator(InstallAccess access, CatalogStore catalog, RecipeBook recipes)
{
    public async Task<ValidatedUpdate> ValidateAsync(string installId, UpdateRequest request, CancellationToken cancellationToken)
    {
        var context = await access.ResolveAsync(installId, request.User, cancellationToken);
        var install = context.Install.Value;

        var recipe = request.Plugins is null && request.Themes is null ? null : await recipes.ForAsync(install.Application, cancellationToken);
        var plugins = Select(install, recipe, install.Plugins, p => p.Id, p => p.Autoup, request.Plugins, request.PluginsField, "plugin");
        var themes = Select(install, recipe, install.Themes, t => t.Id, t => t.Autoup, request.Themes, request.ThemesField, "theme");

        var versions = await catalog.ListVersionsAsync(install.Application, cancellationToken);
        // Requirements are the site's: the environment of the account that owns it, whoever acts.
        var target = UpdatePolicy.ChooseTarget(request.Version, "version", install, versions, context.Owner);
        return new ValidatedUpdate(request, context, target, plugins, themes, versions);
    }

    /// <summary>
    /// <c>null</c> → none; <c>[]</c> → all of the install's items whose own <c>autoup</c> is not <c>none</c>; a list →
    /// exactly those, each of which must exist.
    /// </summary>
    private static IReadOnlyList<T> Select<T>(
        Install install, ApplicationRecipe? recipe, IReadOnlyList<T> items, Func<T, string> idOf, Func<T, string> autoupOf, IReadOnlyList<string>? requested, string field, string kind)
    {
        if (requested is null)
        {
            return [];
        }

        if (recipe?.Component(kind) is null)
        {
            throw Refusal.InvalidArgument(field, $"does not apply: {install.Application} has no {kind}s");
        }

        if (requested.Count == 0)
        {
            return items.Where(item => autoupOf(item) != "none").ToList();
        }

        var unknown = requested.FirstOrDefault(id => !items.Any(item => idOf(item) == id));
        if (unknown is not null)
        {
            throw Refusal.InvalidArgument(field,
                $"names '{unknown}', which is not a {kind} of this install (its {kind}s: {string.Join(", ", items.Select(idOf))})");
        }

        return items.Where(item => requested.Contains(idOf(item))).ToList();
    }
}
