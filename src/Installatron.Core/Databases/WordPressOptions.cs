using System.Text.RegularExpressions;
using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>Which plugins and which theme a WordPress site has switched on, as its options table says.</summary>
public sealed record WordPressActivation(IReadOnlySet<string> Plugins, string? Theme);

/// <summary>
/// Reads <c>active_plugins</c> (a PHP-serialized array of plugin files such as <c>akismet/akismet.php</c>) and
/// <c>stylesheet</c> from <c>{prefix}options</c>. Best effort: a site whose database cannot be read gives <c>null</c>
/// and keeps what the install knew.
/// </summary>
public static partial class WordPressOptions
{
    public static async Task<WordPressActivation?> ReadActivationAsync(DatabaseConnection database, string prefix, CancellationToken cancellationToken)
    {
        if (!IsValidPrefix(prefix))
        {
            return null;
        }

        try
        {
            await using var connection = new MySqlConnection(database.ConnectionString());
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand(
                $"SELECT option_name, option_value FROM `{prefix}options` WHERE option_name IN ('active_plugins', 'stylesheet')", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var plugins = new HashSet<string>(StringComparer.Ordinal);
            string? theme = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var value = reader.GetString(1);
                if (reader.GetString(0) == "stylesheet")
                {
                    theme = value;
                    continue;
                }

                foreach (Match match in SerializedString().Matches(value))
                {
                    var file = match.Groups["value"].Value;
                    plugins.Add(file.Contains('/') ? file[..file.IndexOf('/')] : Path.GetFileNameWithoutExtension(file));
                }
            }

            return new WordPressActivation(plugins, theme);
        }
        catch (MySqlException)
        {
            return null;
        }
    }

    /// <summary>
    /// The <c>db_version</c> option: the schema version WordPress's database upgrade last brought the tables to
    /// (<c>null</c> when the option is missing). Failures are <see cref="DatabaseException"/>s.
    /// </summary>
    public static Task<string?> ReadDbVersionAsync(DatabaseConnection database, string prefix, CancellationToken cancellationToken)
    {
        if (!IsValidPrefix(prefix))
        {
            throw new DatabaseException(DatabaseErrors.Table, $"'{prefix}' is not a WordPress table prefix.");
        }

        return new MySqlDatabase(database).QueryAsync("db_version read", async connection =>
        {
            await using var command = new MySqlCommand($"SELECT option_value FROM `{prefix}options` WHERE option_name = 'db_version'", connection);
            return (await command.ExecuteScalarAsync(cancellationToken)) as string;
        }, cancellationToken);
    }

    /// <summary>A prefix WordPress accepts (letters, digits, '_'), so it can be put into a table name as it is.</summary>
    public static bool IsValidPrefix(string prefix) => Prefix().IsMatch(prefix);

    [GeneratedRegex(@"\A[A-Za-z0-9_]{1,32}\z")]
    private static partial Regex Prefix();

    [GeneratedRegex("""s:\d+:"(?<value>[^"]*)";""")]
    private static partial Regex SerializedString();
}
