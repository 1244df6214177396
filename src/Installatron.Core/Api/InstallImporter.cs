using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;
using Installatron.Core.Text;
using Installatron.Core.Workflow;

namespace Installatron.Core.Api;

/// <summary>
/// Registers an application that is already installed (its files on disk at <c>path</c>) as an install of a user,
/// with the seed's fields; what is not given is read from the site (<see cref="SiteFactsReader"/>). Every value is
/// checked before anything is stored. The site is read where it lives: on this machine, or over one SSH connection to
/// the account's remote location (its database through that connection).
/// </summary>
public sealed class InstallImporter(InstallAccess access, InstallStore installs, CatalogStore catalog, RecipeBook recipes, SiteAccess sites, TimeProvider time)
{
    private static readonly IReadOnlyList<string> Parameters =
    [
        "id", "user", "application", "version", "path", "url", "title", "login", "email", "language", "sitetitle",
        "sitetagline", "limitloginattempts", "twofactor", "db_host", "db_type", "db_name", "db_user", "db_pass",
        "db_prefix", "autobk", "autobk_schedule", "autoup", "autoup_backup", "autoup_plugins", "autoup_themes", "bkloc",
        "exclude_files", "files", "tables", "notification", "link_admin", "parent", "stage", "plugins", "themes",
        "time_created",
    ];

    private static readonly string[] Autoup = ["none", "all", "minor"];
    private static readonly string[] AutoupItems = ["none", "all", "custom"];
    private static readonly string[] NoneAll = ["none", "all"];
    private static readonly string[] Autobk = ["none", "schedule", "custom"];

    public async Task<Install> ImportAsync(RequestFields fields, CancellationToken cancellationToken)
    {
        fields.RejectUnknown(Parameters);
        var owner = await access.RequireUserAsync(fields.RequiredString("user"), cancellationToken);

        var id = fields.String("id") ?? Ids.NewInstallId();
        if (!Ids.IsValidInstallId(id))
        {
            throw RequestFields.Invalid("id", "must be 1 to 64 letters and digits");
        }

        var application = fields.RequiredString("application");
        if (!Ids.IsValidApplicationId(application) || (await catalog.ListVersionsAsync(application, cancellationToken)).Count == 0)
        {
            throw new Refusal(ErrorCodes.ApplicationNotFound, "application",
                $"The application '{application}' is not in the catalog; publish a version of it first.");
        }

        var path = FullPath(fields.RequiredString("path"));
        var url = SiteUrl(fields.RequiredString("url"), owner);
        await using var connection = await sites.OpenForRequestAsync(owner, cancellationToken);
        try
        {
            return await ImportAsync(fields, connection, id, application, path, url, cancellationToken);
        }
        catch (Exception e) when (SiteFailures.AsRefusal(e) is { } refusal)
        {
            throw refusal;
        }
    }

    private async Task<Install> ImportAsync(
        RequestFields fields, SiteConnection connection, string id, string application, string path, string url, CancellationToken cancellationToken)
    {
        var owner = connection.Owner;
        var site = SiteRoot(connection, path);
        foreach (var existing in await installs.ListAsync(owner.User, cancellationToken))
        {
            if (string.Equals(existing.Path, path, StringComparison.Ordinal) || string.Equals(connection.Files.RealPath(existing.Path), site, StringComparison.Ordinal))
            {
                throw new Refusal(ErrorCodes.InstallExists, "path", $"The install {existing.Id} already lives at {path}.");
            }
        }

        // What is not given is read from the site itself (version, database settings, tables).
        var recipe = await recipes.ForAsync(application, cancellationToken);
        var facts = await SiteFactsReader.ReadAsync(fields, application, recipe, connection, site, connection.Account().Home, cancellationToken);

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var install = new Install
        {
            Id = id,
            Application = application,
            User = owner.User,
            Version = facts.Version,
            Path = path,
            Url = url,
            Title = fields.String("title") ?? "",
            Login = fields.String("login") ?? "",
            Email = fields.String("email") ?? "",
            Language = fields.String("language") ?? "en",
            Sitetitle = fields.String("sitetitle") ?? "",
            Sitetagline = fields.String("sitetagline") ?? "",
            Limitloginattempts = YesNoField(fields, "limitloginattempts"),
            Twofactor = YesNoField(fields, "twofactor"),
            DbHost = facts.DbHost,
            DbType = facts.DbType,
            DbName = facts.DbName,
            DbUser = facts.DbUser,
            DbPass = facts.DbPass,
            DbPrefix = facts.DbPrefix,
            Autobk = fields.Enum("autobk", Autobk, "none"),
            AutobkSchedule = fields.String("autobk_schedule") ?? "",
            Autoup = fields.Enum("autoup", Autoup, "minor"),
            AutoupBackup = fields.Enum("autoup_backup", NoneAll, "all"),
            AutoupPlugins = fields.Enum("autoup_plugins", AutoupItems, "all"),
            AutoupThemes = fields.Enum("autoup_themes", AutoupItems, "all"),
            Bkloc = fields.String("bkloc") ?? "local",
            ExcludeFiles = RelativePaths(fields, "exclude_files") ?? [],
            Files = RelativePaths(fields, "files") ?? TopLevelEntries(connection, site),
            Tables = facts.Tables,
            Notification = NotificationField(fields),
            LinkAdmin = fields.String("link_admin") ?? recipe.LinkAdmin,
            Parent = fields.String("parent") ?? "",
            Stage = fields.String("stage") ?? "",
            Plugins = Items<PluginInfo>(fields, "plugins", p => p.Id, p => p.Autoup),
            Themes = Items<ThemeInfo>(fields, "themes", t => t.Id, t => t.Autoup),
            TimeCreated = fields.Long("time_created", now),
            TimeUpdated = now,
        };

        if (recipe.Components.Count > 0 && (!fields.Has("plugins") || !fields.Has("themes")))
        {
            // Not given: read from the site itself (files, and its database for what is switched on).
            var activation = await SiteInventory.ReadActivationAsync(recipe, connection, install, cancellationToken);
            install = install with
            {
                Plugins = fields.Has("plugins") ? install.Plugins : await SiteInventory.RefreshPluginsAsync(recipe, connection.Files, site, [], activation, cancellationToken),
                Themes = fields.Has("themes") ? install.Themes : await SiteInventory.RefreshThemesAsync(recipe, connection.Files, site, [], activation, cancellationToken),
            };
        }

        await installs.AddAsync(install, cancellationToken);
        return install;
    }

    /// <summary>The path as given, full and without a trailing separator.</summary>
    private static string FullPath(string path)
    {
        if (UnsafeText.Describe(path) is { } problem)
        {
            throw RequestFields.Invalid("path", problem);
        }

        if (!System.IO.Path.IsPathFullyQualified(path) || path.Split('/', '\\').Contains(".."))
        {
            throw RequestFields.Invalid("path", "must be an absolute path without '..'");
        }

        return System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
    }

    /// <summary>
    /// The real path of the site where it lives, which must lie inside the owner's home once every symbolic link is
    /// followed (a link in one account's home cannot import another's site) and under the account's allowed paths.
    /// </summary>
    private static string SiteRoot(SiteConnection connection, string path)
    {
        string real;
        try
        {
            real = connection.SiteRoot(path, "The path");
        }
        catch (Refusal refusal)
        {
            throw new Refusal(refusal.Errcode, "path", refusal.Message);
        }

        if (!connection.Files.DirectoryExists(real))
        {
            throw new Refusal(ErrorCodes.FailedFilesystemDirectory, "path",
                $"The folder {connection.Describe(path)} does not exist: the application's files have been deleted or moved.");
        }

        return real;
    }

    private static string SiteUrl(string url, HostingUser owner)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw RequestFields.Invalid("url", "must be an absolute http:// or https:// address without query or fragment");
        }

        var domain = Installs.DomainOf(url);
        if (!owner.ManagesDomain(domain))
        {
            throw new Refusal(ErrorCodes.FailedWebsiteVhost, "url",
                $"The hosting account '{owner.User}' does not manage the domain {domain} (its vhosts: {string.Join(", ", owner.Vhosts)}).");
        }

        return url.TrimEnd('/');
    }

    /// <summary>The seed writes these booleans as <c>yes</c>/<c>no</c>; accept those and true/false alike.</summary>
    private static string YesNoField(RequestFields fields, string name) => fields.Bool(name, false) ? "yes" : "no";

    private static IReadOnlyList<string>? RelativePaths(RequestFields fields, string name)
    {
        var list = fields.StringList(name);
        if (list?.FirstOrDefault(p => p.Length == 0 || System.IO.Path.IsPathRooted(p) || p.Split('/', '\\').Contains("..")) is { } bad)
        {
            throw RequestFields.Invalid(name, $"holds '{bad}'; entries must be paths relative to the install, without '..'");
        }

        return list;
    }

    private static IReadOnlyList<string> TopLevelEntries(SiteConnection connection, string path) =>
        connection.Files.List(path).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<string> NotificationField(RequestFields fields)
    {
        var list = fields.StringList("notification");
        if (list?.FirstOrDefault(n => !Notifications.All.Contains(n)) is { } bad)
        {
            throw RequestFields.Invalid("notification", $"holds '{bad}', which is not one of {string.Join(", ", Notifications.All)}");
        }

        return list ?? Notifications.All;
    }

    private static IReadOnlyList<T> Items<T>(RequestFields fields, string name, Func<T, string> idOf, Func<T, string> autoupOf)
    {
        var items = fields.Json<List<T>>(name) ?? [];
        if (items.Any(item => item is null || string.IsNullOrWhiteSpace(idOf(item)) || !AutoupItems.Contains(autoupOf(item))))
        {
            throw RequestFields.Invalid(name, "must be an array of structures with an 'id', a 'version' and 'autoup' none, all or custom");
        }

        return items;
    }
}
