namespace Installatron.Core.Workflow;

/// <summary>The seed's parameters of <c>POST /installs/{id}/update</c>, typed, with the seed's defaults.</summary>
public sealed record UpdateRequest
{
    public static readonly IReadOnlyList<string> DryrunModes = [DryrunMode.None, DryrunMode.All, DryrunMode.Input];

    public static readonly IReadOnlyList<string> Parameters =
        ["version", "revert", "user", "plugins", "plugin", "themes", "theme", "background", "dryrun"];

    /// <summary>The version to update to; <c>null</c> = the newest that can be auto-updated to; <c>current</c> = skip core.</summary>
    public string? Version { get; init; }

    public bool Revert { get; init; }

    public string? User { get; init; }

    /// <summary><c>null</c> = leave plugins alone; empty = all plugins; else these plugin IDs.</summary>
    public IReadOnlyList<string>? Plugins { get; init; }

    /// <summary>The name the caller used for plugins (<c>plugins</c> or the seed example's <c>plugin</c>), for <c>errfield</c>.</summary>
    public string PluginsField { get; init; } = "plugins";

    public IReadOnlyList<string>? Themes { get; init; }

    public string ThemesField { get; init; } = "themes";

    public bool Background { get; init; }

    public string Dryrun { get; init; } = DryrunMode.None;
}

public static class DryrunMode
{
    public const string None = "none";
    public const string All = "all";
    public const string Input = "input";
}
