namespace Installatron.Core;

/// <summary>The <c>Installatron</c> configuration section (environment: <c>Installatron__Key</c>, …).</summary>
public sealed class InstallatronOptions
{
    public const string Section = "Installatron";

    /// <summary>The API key callers send as <c>X-API-KEY</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>A second valid key, so keys can be rotated without downtime.</summary>
    public string Key2 { get; set; } = "";

    /// <summary>Prefix of every table and blob container this product creates; lets several instances or tests share one account.</summary>
    public string TablePrefix { get; set; } = "installatron";

    /// <summary>How long a synchronous update (<c>background=false</c>) is waited for before the answer is 202 with the task; under Azure's 230 s HTTP limit.</summary>
    public int SyncWaitSeconds { get; set; } = 180;

    /// <summary>
    /// Base URL of the catalog source speaking WordPress.org's API formats (version check 1.7, stable check 1.0, core
    /// checksums 1.0, plugin/theme information 1.2); empty turns the catalog sync off.
    /// </summary>
    public string CatalogSourceUrl { get; set; } = "https://api.wordpress.org";

    /// <summary>The <c>upgrade_from</c> mode the sync gives a release from versions of another branch: auto, manual or none.</summary>
    public string CatalogSyncNewBranch { get; set; } = "manual";

    /// <summary>Plugin slugs the sync follows besides those the catalog's installs have (comma separated).</summary>
    public string CatalogSyncPlugins { get; set; } = "";

    /// <summary>Theme slugs the sync follows besides those the catalog's installs have (comma separated).</summary>
    public string CatalogSyncThemes { get; set; } = "";
}
