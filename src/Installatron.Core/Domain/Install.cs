using System.Text.Json.Serialization;

namespace Installatron.Core.Domain;

/// <summary>
/// An install, field for field as the seed's <c>data</c>. The three <c>version_*available*</c> fields are never
/// stored: <see cref="InstallAvailability"/> computes them from the catalog whenever an install is shown.
/// </summary>
public sealed record Install
{
    public required string Id { get; init; }
    public required string Application { get; init; }
    public string Agent { get; init; } = Installs.Agent;
    public string Autobk { get; init; } = "none";
    public string AutobkSchedule { get; init; } = "";
    public string Autoup { get; init; } = "minor";
    public string AutoupBackup { get; init; } = "all";
    public string AutoupPlugins { get; init; } = "all";
    public string AutoupThemes { get; init; } = "all";
    public string Bkloc { get; init; } = "local";
    public long CacheNumerrors { get; init; }
    public long CacheNumwarnings { get; init; }
    public long CacheFiles { get; init; }
    public long CacheNumbackups { get; init; }
    public long CachePreview { get; init; }
    public long CacheTables { get; init; }
    public long CacheTime { get; init; }
    public string DbHost { get; init; } = "";
    public string DbType { get; init; } = "";
    public string DbName { get; init; } = "";
    public string DbUser { get; init; } = "";
    public string DbPass { get; init; } = "";
    public string DbPrefix { get; init; } = "";
    public string Login { get; init; } = "";
    public string Email { get; init; } = "";
    public string Language { get; init; } = "en";
    public string Sitetitle { get; init; } = "";
    public string Sitetagline { get; init; } = "";
    public string Limitloginattempts { get; init; } = "no";
    public string Twofactor { get; init; } = "no";
    public IReadOnlyList<UpdateFailure> Failures { get; init; } = [];
    public string File { get; init; } = "";
    public IReadOnlyList<string> Files { get; init; } = [];
    public IReadOnlyList<string> ExcludeFiles { get; init; } = [];
    public bool Incomplete { get; init; }
    public string LinkAdmin { get; init; } = "";
    public IReadOnlyList<string> Notification { get; init; } = Notifications.All;
    public string Parent { get; init; } = "";
    public required string Path { get; init; }
    public IReadOnlyList<PluginInfo> Plugins { get; init; } = [];
    public string Stage { get; init; } = "";
    public IReadOnlyList<string> Tables { get; init; } = [];
    public IReadOnlyList<ThemeInfo> Themes { get; init; } = [];
    public long TimeCreated { get; init; }
    public long TimeUpdated { get; init; }
    public string Title { get; init; } = "";
    public required string Url { get; init; }
    public string UrlDomain => Installs.DomainOf(Url);
    public required string User { get; init; }
    public required string Version { get; init; }
    public string VersionAutouped { get; init; } = "";
    public int VersionAutoupedAttempts { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? VersionAvailable { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? VersionAvailableMinor { get; init; }

    public int VersionUpdatesAvailable { get; init; }
}

/// <summary>(WordPress) A plugin of the install, as the seed's <c>plugins</c> structures.</summary>
public sealed record PluginInfo(string Id, string Version, bool Activated, string Autoup = "all");

/// <summary>(WordPress) A theme of the install, as the seed's <c>themes</c> structures.</summary>
public sealed record ThemeInfo(string Id, string Version, bool Active, string Autoup = "all");

/// <summary>One failed update attempt, kept in the install's <c>failures</c> list.</summary>
public sealed record UpdateFailure(long Time, string Version, string Errcode, string Message, string Task = "");

public static class Installs
{
    /// <summary>The version of this product recorded as <c>agent</c> on installs it imports.</summary>
    public const string Agent = "5.0.0";

    public static string DomainOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.IdnHost.ToLowerInvariant() : "";
}

public static class Notifications
{
    public static readonly IReadOnlyList<string> All =
    [
        "backup", "backup_error", "clone", "clone_error", "install", "install_error", "plugin_update",
        "plugin_update_available", "plugin_update_error", "restore", "restore_error", "sync", "sync_error",
        "template", "template_error", "update", "update_available", "update_error",
    ];
}
