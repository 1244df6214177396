using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>How a column's values are read, written to a dump, hashed and inserted back.</summary>
internal enum ColumnKind
{
    /// <summary>Integers and BIT: a JSON number (signed 64-bit, or unsigned 64-bit above that).</summary>
    Integer,

    /// <summary>DECIMAL: the server's text, exactly (a .NET decimal holds only 28 digits).</summary>
    Decimal,

    /// <summary>FLOAT and DOUBLE: the shortest text that reads back to the same value.</summary>
    Float,

    /// <summary>Dates, times, timestamps (in UTC) and years: the server's text, zero dates included.</summary>
    Temporal,

    /// <summary>Character data, ENUM, SET, JSON, UUID, INET: text.</summary>
    Text,

    /// <summary>BINARY, VARBINARY and BLOBs: bytes (base64 in a dump).</summary>
    Binary,
}

internal sealed record TableColumn(string Name, ColumnKind Kind, string DataType)
{
    public static string KindName(ColumnKind kind) => kind.ToString().ToLowerInvariant();

    public static ColumnKind ParseKind(string name) =>
        Enum.TryParse<ColumnKind>(name, ignoreCase: true, out var kind) && name.All(char.IsAsciiLetterLower)
            ? kind
            : throw new DatabaseException(DatabaseErrors.Dump, $"The dump names an unknown column kind '{name}'.");

    /// <summary>The expression that selects this column in the form <see cref="TableReader"/> expects.</summary>
    public string SelectExpression => DataType switch
    {
        "bit" => $"CAST({Sql.Quote(Name)} AS UNSIGNED)",
        "uuid" or "inet4" or "inet6" => $"CAST({Sql.Quote(Name)} AS CHAR)",
        _ when Kind is ColumnKind.Decimal or ColumnKind.Temporal => $"CAST({Sql.Quote(Name)} AS CHAR)",
        _ => Sql.Quote(Name),
    };

    public static ColumnKind? KindOf(string dataType) => dataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "bit" => ColumnKind.Integer,
        "decimal" or "numeric" => ColumnKind.Decimal,
        "float" or "double" or "real" => ColumnKind.Float,
        "date" or "datetime" or "timestamp" or "time" or "year" => ColumnKind.Temporal,
        "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set" or "json"
            or "uuid" or "inet4" or "inet6" => ColumnKind.Text,
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ColumnKind.Binary,
        _ => null,
    };
}

/// <summary>
/// A base table as the server describes it: its <c>SHOW CREATE TABLE</c>, its stored columns (generated columns are
/// left out: the server computes them) and its primary key.
/// </summary>
internal sealed partial record TableSchema(string Name, string CreateStatement, IReadOnlyList<TableColumn> Columns, IReadOnlyList<string> PrimaryKey)
{
    /// <summary>The CREATE statement without its <c>AUTO_INCREMENT=</c> table option: a counter, not content.</summary>
    public string CanonicalCreateStatement
    {
        get
        {
            var tail = CreateStatement.LastIndexOf("\n)", StringComparison.Ordinal);
            return tail < 0
                ? AutoIncrementOption().Replace(CreateStatement, "")
                : string.Concat(CreateStatement.AsSpan(0, tail), AutoIncrementOption().Replace(CreateStatement[tail..], ""));
        }
    }

    /// <summary>Every row, in primary-key order (or, without one, in byte order of every column: still one order).</summary>
    public string SelectStatement
    {
        get
        {
            var select = new StringBuilder("SELECT ");
            select.AppendJoin(", ", Columns.Select(c => c.SelectExpression));
            select.Append(" FROM ").Append(Sql.Quote(Name)).Append(" ORDER BY ");
            select.AppendJoin(", ", PrimaryKey.Count > 0
                ? PrimaryKey.Select(Sql.Quote)
                : Columns.Select(c => $"CAST({Sql.Quote(c.Name)} AS BINARY)"));
            return select.ToString();
        }
    }

    public static async Task<TableSchema> ReadAsync(MySqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var database = connection.Database;
        string create;
        try
        {
            await using var show = new MySqlCommand($"SHOW CREATE TABLE {Sql.Quote(table)}", connection);
            await using var reader = await show.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new DatabaseException(DatabaseErrors.Table, $"The table '{table}' does not exist in database '{database}'.");
            }

            if (!string.Equals(reader.GetName(1), "Create Table", StringComparison.Ordinal))
            {
                throw new DatabaseException(DatabaseErrors.Table, $"'{table}' in database '{database}' is a view, not a table.");
            }

            create = reader.GetString(1);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            throw new DatabaseException(DatabaseErrors.Table, $"The table '{table}' does not exist in database '{database}'.");
        }

        var columns = new List<TableColumn>();
        await using (var command = new MySqlCommand(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_GENERATED FROM information_schema.COLUMNS " +
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @table ORDER BY ORDINAL_POSITION", connection))
        {
            command.Parameters.AddWithValue("@table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!string.Equals(reader.GetString(0), table, StringComparison.Ordinal) ||
                    string.Equals(reader.GetString(3), "ALWAYS", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = reader.GetString(1);
                var dataType = reader.GetString(2).ToLowerInvariant();
                var kind = TableColumn.KindOf(dataType) ?? throw new DatabaseException(
                    DatabaseErrors.Table,
                    $"The column '{name}' of table '{table}' has the type '{dataType}', which this engine does not dump.");
                columns.Add(new TableColumn(name, kind, dataType));
            }
        }

        if (columns.Count == 0)
        {
            throw new DatabaseException(DatabaseErrors.Table, $"The table '{table}' in database '{database}' has no stored columns.");
        }

        var key = new SortedList<int, string>();
        await using (var command = new MySqlCommand($"SHOW KEYS FROM {Sql.Quote(table)} WHERE Key_name = 'PRIMARY'", connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                key.Add(Convert.ToInt32(reader["Seq_in_index"], CultureInfo.InvariantCulture), (string)reader["Column_name"]);
            }
        }

        return new TableSchema(table, create, columns, [.. key.Values]);
    }

    [GeneratedRegex(@" AUTO_INCREMENT=\d+", RegexOptions.CultureInvariant)]
    private static partial Regex AutoIncrementOption();
}

internal static class Sql
{
    /// <summary>A backtick-quoted identifier.</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";
}
