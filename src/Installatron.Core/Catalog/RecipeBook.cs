using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Catalog;

/// <summary>An application that is a component of another (<c>wp-plugin-akismet</c>: WordPress's plugin <c>akismet</c>).</summary>
public sealed record ComponentApplication(string Parent, ComponentRecipe Component, string Slug);

/// <summary>
/// The recipe of each application (<see cref="ApplicationRecipe"/>): the one stored in the catalog, else the built-in
/// one (<see cref="ApplicationRecipes.BuiltIn"/>), else the plain recipe. Read from the catalog at most once a
/// minute per process; a recipe saved here is seen at once.
/// </summary>
public sealed class RecipeBook(CatalogStore catalog, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private (IReadOnlyDictionary<string, ApplicationRecipe> Recipes, DateTimeOffset Read)? _stored;

    public async Task<ApplicationRecipe> ForAsync(string application, CancellationToken cancellationToken) =>
        (await StoredAsync(cancellationToken)).TryGetValue(application, out var stored) ? stored
        : ApplicationRecipes.BuiltIn.TryGetValue(application, out var builtIn) ? builtIn
        : ApplicationRecipes.Plain;

    /// <summary>The application whose component <paramref name="application"/>'s packages are, if they are one.</summary>
    public async Task<ComponentApplication?> ComponentOfAsync(string application, CancellationToken cancellationToken)
    {
        var stored = await StoredAsync(cancellationToken);
        var all = ApplicationRecipes.BuiltIn.Where(b => !stored.ContainsKey(b.Key)).Concat(stored);
        foreach (var (parent, recipe) in all.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (recipe.Components.FirstOrDefault(c => application.StartsWith(c.ApplicationPrefix, StringComparison.Ordinal)
                    && application.Length > c.ApplicationPrefix.Length) is { } component)
            {
                return new ComponentApplication(parent, component, application[component.ApplicationPrefix.Length..]);
            }
        }

        return null;
    }

    /// <summary>What a package of <paramref name="application"/> must look like.</summary>
    public async Task<PackageShape> ShapeOfAsync(string application, CancellationToken cancellationToken) =>
        await ComponentOfAsync(application, cancellationToken) is { } component
            ? PackageShape.OfComponent(await ForAsync(component.Parent, cancellationToken), component.Parent, component.Component, component.Slug)
            : PackageShape.Of(application, await ForAsync(application, cancellationToken));

    public async Task SaveAsync(string application, ApplicationRecipe recipe, CancellationToken cancellationToken)
    {
        await catalog.SaveRecipeAsync(application, recipe, cancellationToken);
        _stored = null;
    }

    private async Task<IReadOnlyDictionary<string, ApplicationRecipe>> StoredAsync(CancellationToken cancellationToken)
    {
        if (_stored is { } cached && time.GetUtcNow() - cached.Read < Fresh)
        {
            return cached.Recipes;
        }

        var recipes = await catalog.ListRecipesAsync(cancellationToken);
        _stored = (recipes, time.GetUtcNow());
        return recipes;
    }
}
