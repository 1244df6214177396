using System.Globalization;
using System.Runtime.CompilerServices;
using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>
/// Streams a table's rows from the server, one at a time, as canonical values: <c>null</c>, <see cref="long"/> or
/// <see cref="ulong"/> (integers), <see cref="string"/> (decimal, float, temporal, text) or <see cref="byte"/> arrays.
/// The array yielded is reused for the next row.
/// </summary>
internal static class TableReader
{
    public static async IAsyncEnumerable<object?[]> ReadRowsAsync(
        MySqlConnection connection,
        TableSchema schema,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(schema.SelectStatement, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new object?[schema.Columns.Count];
        while (await reader.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : Canonical(schema.Columns[i], reader.GetValue(i));
            }

            yield return values;
        }
    }

    private static object Canonical(TableColumn column, object value) => column.Kind switch
    {
        ColumnKind.Integer => value switch
        {
            ulong or uint or ushort or byte => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
            _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        },
        ColumnKind.Float => value switch
        {
            float single => single.ToString("R", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        },
        ColumnKind.Binary => value as byte[] ?? throw Unexpected(column, value),
        _ => value as string ?? throw Unexpected(column, value),
    };

    private static DatabaseException Unexpected(TableColumn column, object value) =>
        new(DatabaseErrors.Table, $"The column '{column.Name}' ({column.DataType}) was read as {value.GetType().Name}, which this engine does not dump.");
}
