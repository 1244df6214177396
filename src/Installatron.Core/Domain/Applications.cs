namespace Installatron.Core.Domain;

/// <summary>What differs between applications. WordPress is the first application; more come as catalog recipes.</summary>
public static class Applications
{
    public const string WordPress = "wordpress";

    public static bool HasPluginsAndThemes(string application) => application == WordPress;
}
