namespace Installatron.Core.Domain;

/// <summary>The applications the product knows by name: WordPress, the first one (its recipe is <see cref="ApplicationRecipes.WordPress"/>).</summary>
public static class Applications
{
    public const string WordPress = "wordpress";
}
