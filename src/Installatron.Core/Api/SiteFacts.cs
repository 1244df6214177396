using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Workflow;

namespace Installatron.Core.Api;

/// <summary>What an import records about a site: its version, how to reach its database, and its tables.</summary>
public sealed record SiteFacts(
    string Version, string DbType, string DbHost, string DbName, string DbUser, string DbPass, string DbPrefix, IReadOnlyList<string> Tables);

/// <summary>
/// Reads, for <c>POST /installs</c>, what the caller did not give from the site itself, as Installatron's import
/// does, where the application's recipe says (WordPress: the version from <c>wp-includes/version.php</c>, the database
/// settings and table prefix from <c>wp-config.php</c>, parsed, never executed), and the tables from the database by prefix. Fields given
/// explicitly win; a <c>version</c> the site's files contradict is refused. A value that cannot be known statically
/// (<c>getenv(…)</c>) is refused with <c>failed_site_config</c> naming the field to pass instead.
/// </summary>
public static class SiteFactsReader
{
    private const string MySql = "mysql";

    private static readonly string[] DatabaseFields = ["db_host", "db_name", "db_user", "db_pass", "db_prefix"];

    private static readonly string[] DbTypes = ["", MySql, "pgsql"];

    /// <param name="site">Where the site lives (its files, and its database as its server reaches it).</param>
    /// <param name="allowedRoot">The folder the site's files may lead to through links (the account's home).</param>
    public static async Task<SiteFacts> ReadAsync(
        RequestFields fields, string application, ApplicationRecipe recipe, SiteConnection site, string path, string allowedRoot, CancellationToken cancellationToken)
    {
        var version = recipe.Version is { } source
            ? await SiteVersionAsync(fields.String("version"), recipe.Name.Length > 0 ? recipe.Name : application, source, site.Files, path, allowedRoot, cancellationToken)
            : fields.RequiredString("version");
        if (!AppVersion.TryParse(version, out _))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, "version", $"'{version}' is not a version.");
        }

        var dbType = fields.Enum("db_type", DbTypes, recipe.Config is null ? "" : MySql);
        if (recipe.Config is not { } configRecipe || dbType != MySql)
        {
            return new SiteFacts(version, dbType, fields.String("db_host") ?? "", fields.String("db_name") ?? "", fields.String("db_user") ?? "",
                fields.String("db_pass") ?? "", fields.String("db_prefix") ?? "", fields.StringList("tables") ?? []);
        }

        var config = DatabaseFields.All(fields.Has) ? null : await ConfigAsync(site.Files, path, configRecipe, allowedRoot, cancellationToken);
        string Setting(string field) => fields.String(field) ?? FromConfig(config!, field, NameOf(configRecipe, field));

        var dbName = Setting("db_name");
        var dbUser = Setting("db_user");
        var dbPass = Setting("db_pass");
        var dbHost = Setting("db_host");
        var prefix = Setting("db_prefix");
        if (!SiteOptions.IsValidPrefix(prefix))
        {
            throw fields.Has("db_prefix")
                ? RequestFields.Invalid("db_prefix", "must be 1 to 32 letters, digits or '_'")
                : new Refusal(ErrorCodes.FailedSiteConfig, "db_prefix",
                    $"{config!.Path} sets {NameOf(configRecipe, "db_prefix")} to something that is not a table prefix (letters, digits and '_' only); pass db_prefix.");
        }

        var tables = fields.StringList("tables")
            ?? await TablesAsync(site, InstallDatabase.ConnectionOf(dbHost, dbName, dbUser, dbPass), prefix, cancellationToken);
        return new SiteFacts(version, dbType, dbHost, dbName, dbUser, dbPass, prefix, tables);
    }

    /// <summary>The version the site's files report; a given version must agree with them.</summary>
    private static async Task<string> SiteVersionAsync(
        string? given, string application, VersionSource source, ISiteFileSystem files, string path, string allowedRoot, CancellationToken cancellationToken)
    {
        FoundVersion? found;
        try
        {
            found = await ApplicationFiles.ReadVersionAsync(files, path, source, allowedRoot, cancellationToken);
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, "path", e.Message);
        }
        catch (SiteFilesException e) when (given is null && !SiteFailures.IsTransient(e))
        {
            throw new Refusal(ErrorCodes.FailedSiteConfig, "version", $"The version cannot be read from the site: {e.Message} Pass version.");
        }
        catch (SiteFilesException e) when (!SiteFailures.IsTransient(e))
        {
            found = null;
        }

        if (given is null)
        {
            return found?.Version ?? throw new Refusal(ErrorCodes.FailedSiteConfig, "version",
                $"The site at {files.Describe(path)} has no {source.File}, so its version cannot be read; pass version.");
        }

        if (found is not null && !(AppVersion.TryParse(given, out var asked) && AppVersion.TryParse(found.Version, out var actual) && asked.Equals(actual)))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, "version",
                $"The site at {files.Describe(path)} is {application} {found.Version} (its {source.File} says so), not {given}.");
        }

        return given;
    }

    private static async Task<SiteConfig> ConfigAsync(ISiteFileSystem files, string path, ConfigRecipe recipe, string allowedRoot, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplicationFiles.ReadConfigAsync(files, path, recipe, allowedRoot, cancellationToken)
                ?? throw new Refusal(ErrorCodes.FailedSiteConfig, "db_name",
                    $"The site at {files.Describe(path)} has no {recipe.File}{(recipe.AlsoInParent ? " (nor the folder above it)" : "")}; pass db_name, db_user, db_pass, db_host and db_prefix.");
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, "path", e.Message);
        }
        catch (SiteFilesException e) when (!SiteFailures.IsTransient(e))
        {
            throw new Refusal(ErrorCodes.FailedSiteConfig, "db_name", $"{recipe.File} cannot be read: {e.Message}");
        }
    }

    /// <summary>How the configuration file names a field: its constant (<c>DB_NAME</c>) or its variable (<c>$table_prefix</c>).</summary>
    private static string NameOf(ConfigRecipe recipe, string field) =>
        recipe.Constants.FirstOrDefault(c => c.Value == field).Key
        ?? (recipe.Variables.FirstOrDefault(v => v.Value == field).Key is { } variable ? "$" + variable : field);

    private static string FromConfig(SiteConfig config, string field, string name) => config[field] switch
    {
        { Text: { } text } => text,
        null => throw new Refusal(ErrorCodes.FailedSiteConfig, field,
            $"{config.Path} does not set {name} (it may come from another file it includes); pass {field}."),
        var value => throw new Refusal(ErrorCodes.FailedSiteConfig, field,
            $"{name} in {config.Path} (line {value.Line}) cannot be read without running PHP: it {value.Problem}; pass {field}."),
    };

    private static async Task<IReadOnlyList<string>> TablesAsync(SiteConnection site, DatabaseConnection database, string prefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> tables;
        try
        {
            database = await site.DatabaseAsync(database, cancellationToken);
            tables = await new MySqlDatabase(database).ListTablesAsync(prefix, cancellationToken);
        }
        catch (DatabaseException e)
        {
            throw new Refusal(e.Errcode, null, $"The site's tables cannot be listed: {e.Message} Check the database settings, or pass tables to import without reading them.");
        }

        return tables.Count > 0 ? tables : throw new Refusal(ErrorCodes.FailedSiteConfig, "db_prefix",
            $"The database {database} has no table whose name starts with '{prefix}'; pass db_prefix, or tables ([] for none).");
    }
}
