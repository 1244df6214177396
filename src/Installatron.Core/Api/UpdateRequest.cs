namespace Installatron.Core.Api;

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

    public static UpdateRequest Parse(RequestFields fields)
    {
        fields.RejectUnknown(Parameters);
        var (plugins, pluginsField) = ListWithAlias(fields, "plugins", "plugin");
        var (themes, themesField) = ListWithAlias(fields, "themes", "theme");
        var version = fields.String("version");
        if (version is not null && version.Trim().Length == 0)
        {
            throw RequestFields.Invalid("version", "is empty (leave it out for the newest version, or use 'current')");
        }

        var user = fields.String("user");
        if (user is not null && user.Trim().Length == 0)
        {
            throw RequestFields.Invalid("user", "is empty (leave it out to act as the install's owner)");
        }

        return new UpdateRequest
        {
            Version = version?.Trim(),
            Revert = fields.Bool("revert", false),
            User = user?.Trim(),
            Plugins = plugins,
            PluginsField = pluginsField,
            Themes = themes,
            ThemesField = themesField,
            Background = fields.Bool("background", false),
            Dryrun = fields.Enum("dryrun", DryrunModes, DryrunMode.None),
        };
    }

    private static (IReadOnlyList<string>? List, string Field) ListWithAlias(RequestFields fields, string name, string alias)
    {
        if (fields.Has(name) && fields.Has(alias))
        {
            throw RequestFields.Invalid(alias, $"cannot be given together with '{name}'; use one of them");
        }

        return fields.Has(alias) ? (fields.StringList(alias), alias) : (fields.StringList(name), name);
    }
}

public static class DryrunMode
{
    public const string None = "none";
    public const string All = "all";
    public const string Input = "input";
}
