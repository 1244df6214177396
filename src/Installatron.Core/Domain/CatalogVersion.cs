namespace Installatron.Core.Domain;

/// <summary>One published version of an application in the catalog, with its package.</summary>
public sealed record CatalogVersion
{
    public required string Application { get; init; }
    public required string Version { get; init; }
    public required string Branch { get; init; }

    /// <summary>
    /// Which installed versions may update to this one, first match wins: <c>auto</c> (Installatron updates),
    /// <c>manual</c> (a manual update exists), anything unmatched is <c>none</c>.
    /// </summary>
    public IReadOnlyList<UpgradeRule> UpgradeFrom { get; init; } = [UpgradeRule.AutoFromAnything];

    public Requirements Requirements { get; init; } = new();
    public required PackageInfo Package { get; init; }
    public long TimePublished { get; init; }

    public AppVersion ParsedVersion => AppVersion.Parse(Version);
}

public sealed record UpgradeRule(string From, string Mode)
{
    public static readonly UpgradeRule AutoFromAnything = new("*", UpgradeModes.Auto);
}

public static class UpgradeModes
{
    public const string Auto = "auto";
    public const string Manual = "manual";
    public const string None = "none";

    public static readonly IReadOnlyList<string> Rules = [Auto, Manual];
}

/// <summary>Minimum (and maximum) environment a version needs; empty = no requirement.</summary>
public sealed record Requirements
{
    public string PhpMin { get; init; } = "";
    public string PhpMax { get; init; } = "";
    public string MysqlMin { get; init; } = "";
    public string MariadbMin { get; init; } = "";
}

/// <summary>
/// Where the version's package (a zip) is stored, and how to check it; <paramref name="Layout"/> is what publishing
/// found in it (where its files sit, the version it says it is), <c>null</c> for packages published before layouts were read.
/// </summary>
public sealed record PackageInfo(string Blob, long Size, string Sha256, long Entries, long UncompressedSize = 0, PackageLayout? Layout = null)
{
    /// <summary>The folder the package's files sit in (<c>wordpress/</c>), which an update strips; <c>""</c> when rooted at the site.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Root => Layout?.Root ?? "";
}
