using System.Text.RegularExpressions;
using Installatron.Core.Domain;
using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>
/// Reads an application's options from its database, as its recipe names them (<see cref="DatabaseRecipe"/>:
/// WordPress keeps them in <c>{prefix}options</c> as <c>option_name</c>/<c>option_value</c>), with the install's
/// table prefix.
/// </summary>
public static partial class SiteOptions
{
    /// <summary>The values of the options <paramref name="names"/> (missing ones left out). Best effort: <c>null</c> when the database cannot be read.</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> TryReadAsync(
        DatabaseConnection database, string prefix, DatabaseRecipe recipe, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        if (!IsValidPrefix(prefix) || names.Count == 0)
        {
            return null;
        }

        try
        {
            await using var connection = new MySqlConnection(database.ConnectionString());
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand(SelectFor(prefix, recipe, names.Count), connection);
            foreach (var name in names)
            {
                command.Parameters.Add(new MySqlParameter { Value = name });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }

            return values;
        }
        catch (MySqlException)
        {
            return null;
        }
    }

    /// <summary>One option's value (<c>null</c> when it is missing). Failures are <see cref="DatabaseException"/>s.</summary>
    public static Task<string?> ReadAsync(DatabaseConnection database, string prefix, DatabaseRecipe recipe, string name, CancellationToken cancellationToken)
    {
        if (!IsValidPrefix(prefix))
        {
            throw new DatabaseException(DatabaseErrors.Table, $"'{prefix}' is not a table prefix.");
        }

        return new MySqlDatabase(database).QueryAsync($"{name} read", async connection =>
        {
            await using var command = new MySqlCommand(SelectFor(prefix, recipe, 1), connection);
            command.Parameters.Add(new MySqlParameter { Value = name });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? reader.GetString(1) : null;
        }, cancellationToken);
    }

    /// <summary>The strings of a PHP-serialized array (<c>a:1:{i:0;s:19:"akismet/akismet.php";}</c>).</summary>
    public static IEnumerable<string> SerializedStrings(string value) =>
        SerializedString().Matches(value).Select(match => match.Groups["value"].Value);

    /// <summary>A prefix WordPress accepts (letters, digits, '_'), so it can be put into a table name as it is.</summary>
    public static bool IsValidPrefix(string prefix) => Prefix().IsMatch(prefix);

    private static string SelectFor(string prefix, DatabaseRecipe recipe, int names)
    {
        if (!Identifier().IsMatch(recipe.OptionsTable) || !Identifier().IsMatch(recipe.OptionName) || !Identifier().IsMatch(recipe.OptionValue))
        {
            throw new DatabaseException(DatabaseErrors.Table, "The recipe's options table or columns are not plain names.");
        }

        return $"SELECT `{recipe.OptionName}`, `{recipe.OptionValue}` FROM `{prefix}{recipe.OptionsTable}` WHERE `{recipe.OptionName}` IN ({string.Join(", ", Enumerable.Repeat("?", names))})";
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_]{1,32}\z")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\A[A-Za-z0-9_]{1,64}\z")]
    private static partial Regex Identifier();

    [GeneratedRegex("""s:\d+:"(?<value>[^"]*)";""")]
    private static partial Regex SerializedString();
}
