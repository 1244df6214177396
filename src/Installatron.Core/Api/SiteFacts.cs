using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;

namespace Installatron.Core.Api;

/// <summary>What an import records about a site: its version, how to reach its database, and its tables.</summary>
public sealed record SiteFacts(
    string Version, string DbType, string DbHost, string DbName, string DbUser, string DbPass, string DbPrefix, IReadOnlyList<string> Tables);

/// <summary>
/// Reads, for <c>POST /installs</c>, what the caller did not give from the site itself, as Installatron's import
/// does: for WordPress the version from <c>wp-includes/version.php</c>, the database settings and table prefix from
/// <c>wp-config.php</c> (parsed, never executed), and the tables from the database by prefix. Fields given
/// explicitly win; a <c>version</c> the site's files contradict is refused. A value that cannot be known statically
/// (<c>getenv(…)</c>) is refused with <c>failed_site_config</c> naming the field to pass instead.
/// </summary>
public static class SiteFactsReader
{
    private const string MySql = "mysql";

    private static readonly string[] DbTypes = ["", MySql, "pgsql"];

    /// <param name="allowedRoot">The folder the site's files may lead to through links (the account's home).</param>
    public static async Task<SiteFacts> ReadAsync(RequestFields fields, string application, string path, string allowedRoot, CancellationToken cancellationToken)
    {
        var isWordPress = application == Applications.WordPress;
        var version = isWordPress ? WordPressVersion(fields.String("version"), path, allowedRoot) : fields.RequiredString("version");
        if (!AppVersion.TryParse(version, out _))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, "version", $"'{version}' is not a version.");
        }

        var dbType = fields.Enum("db_type", DbTypes, isWordPress ? MySql : "");
        if (!isWordPress || dbType != MySql)
        {
            return new SiteFacts(version, dbType, fields.String("db_host") ?? "", fields.String("db_name") ?? "", fields.String("db_user") ?? "",
                fields.String("db_pass") ?? "", fields.String("db_prefix") ?? "", fields.StringList("tables") ?? []);
        }

        var config = new[] { "db_host", "db_name", "db_user", "db_pass", "db_prefix" }.All(fields.Has) ? null : Config(path, allowedRoot);
        string Setting(string field, Func<WordPressConfig, PhpValue?> value, string name) =>
            fields.String(field) ?? FromConfig(config, value, name, field);

        var dbName = Setting("db_name", c => c.DbName, "DB_NAME");
        var dbUser = Setting("db_user", c => c.DbUser, "DB_USER");
        var dbPass = Setting("db_pass", c => c.DbPassword, "DB_PASSWORD");
        var dbHost = Setting("db_host", c => c.DbHost, "DB_HOST");
        var prefix = Setting("db_prefix", c => c.TablePrefix, "$table_prefix");
        if (!WordPressOptions.IsValidPrefix(prefix))
        {
            throw fields.Has("db_prefix")
                ? RequestFields.Invalid("db_prefix", "must be 1 to 32 letters, digits or '_'")
                : new Refusal(ErrorCodes.FailedSiteConfig, "db_prefix", $"{config!.Path} sets $table_prefix to something WordPress does not accept (letters, digits and '_' only); pass db_prefix.");
        }

        var tables = fields.StringList("tables")
            ?? await TablesAsync(InstallDatabase.ConnectionOf(dbHost, dbName, dbUser, dbPass), prefix, cancellationToken);
        return new SiteFacts(version, dbType, dbHost, dbName, dbUser, dbPass, prefix, tables);
    }

    /// <summary>The version the site's files report; a given version must agree with them.</summary>
    private static string WordPressVersion(string? given, string path, string allowedRoot)
    {
        WordPressVersion? found;
        try
        {
            found = WordPressSiteFiles.ReadVersion(path, allowedRoot);
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, "path", e.Message);
        }
        catch (SiteFilesException e) when (given is null)
        {
            throw new Refusal(ErrorCodes.FailedSiteConfig, "version", $"The version cannot be read from the site: {e.Message} Pass version.");
        }
        catch (SiteFilesException)
        {
            found = null;
        }

        if (given is null)
        {
            return found?.Version ?? throw new Refusal(ErrorCodes.FailedSiteConfig, "version",
                $"The site at {path} has no {PackageLayoutReader.WordPressVersionFile}, so its version cannot be read; pass version.");
        }

        if (found is not null && !(AppVersion.TryParse(given, out var asked) && AppVersion.TryParse(found.Version, out var actual) && asked.Equals(actual)))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, "version",
                $"The site at {path} is WordPress {found.Version} (its {PackageLayoutReader.WordPressVersionFile} says so), not {given}.");
        }

        return given;
    }

    private static WordPressConfig Config(string path, string allowedRoot)
    {
        try
        {
            return WordPressSiteFiles.ReadConfig(path, allowedRoot) ?? throw new Refusal(ErrorCodes.FailedSiteConfig, "db_name",
                $"The site at {path} has no {WordPressSiteFiles.ConfigFile} (nor the folder above it); pass db_name, db_user, db_pass, db_host and db_prefix.");
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, "path", e.Message);
        }
        catch (SiteFilesException e)
        {
            throw new Refusal(ErrorCodes.FailedSiteConfig, "db_name", $"{WordPressSiteFiles.ConfigFile} cannot be read: {e.Message}");
        }
    }

    private static string FromConfig(WordPressConfig? config, Func<WordPressConfig, PhpValue?> read, string name, string field)
    {
        var value = read(config!);
        return value switch
        {
            { Text: { } text } => text,
            null => throw new Refusal(ErrorCodes.FailedSiteConfig, field,
                $"{config!.Path} does not set {name} (it may come from another file it includes); pass {field}."),
            _ => throw new Refusal(ErrorCodes.FailedSiteConfig, field,
                $"{name} in {config!.Path} (line {value.Line}) cannot be read without running PHP: it {value.Problem}; pass {field}."),
        };
    }

    private static async Task<IReadOnlyList<string>> TablesAsync(DatabaseConnection database, string prefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> tables;
        try
        {
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
