using Installatron.Core.Workflow;

namespace Installatron.Core.Api;

/// <summary>The seed's parameters of <c>POST /installs/{id}/update</c>, read from a request into an <see cref="UpdateRequest"/>.</summary>
public static class UpdateRequestReader
{
    public static UpdateRequest Read(RequestFields fields)
    {
        fields.RejectUnknown(UpdateRequest.Parameters);
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
            Dryrun = fields.Enum("dryrun", UpdateRequest.DryrunModes, DryrunMode.None),
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
