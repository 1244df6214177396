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
}
