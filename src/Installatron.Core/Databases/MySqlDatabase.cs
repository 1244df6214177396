using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Installatron.Core.Domain;
using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>
/// The database half of a backup and a revert, for MySQL and MariaDB: dump chosen tables in one consistent snapshot,
/// restore them exactly, and checksum them live with the same canonical encoding (<see cref="TableHasher"/>).
/// Every method opens its own connection; failures are <see cref="DatabaseException"/>s without credentials.
/// </summary>
public sealed class MySqlDatabase(DatabaseConnection connection)
{
    private const int InsertBatchRows = 1000;
    private const long InsertBatchBytes = 4 * 1024 * 1024;

    public DatabaseConnection Connection { get; } = connection;

    /// <summary>Connects and logs in; throws <see cref="DatabaseException"/> with <c>failed_database_host</c> or <c>failed_database_login</c>.</summary>
    public async Task TestConnectionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="tables"/> (structure and every row, in primary-key order) to <paramref name="output"/> in
    /// the <see cref="TableDumpFormat"/>, all read in one consistent snapshot; other tables are not read. Every table is
    /// checked to exist before anything is written.
    /// </summary>
    public async Task<TableDumpResult> DumpTablesAsync(IReadOnlyList<string> tables, Stream output, CancellationToken cancellationToken)
    {
        CheckTableList(tables);
        await using var connection = await OpenSnapshotAsync(cancellationToken);
        return await RunAsync("dump", async () =>
        {
            var schemas = new List<TableSchema>(tables.Count);
            foreach (var table in tables)
            {
                schemas.Add(await TableSchema.ReadAsync(connection, table, cancellationToken));
            }

            var writer = new TableDumpWriter(output);
            await writer.WriteStartAsync(cancellationToken);
            var checksums = new List<TableChecksum>(schemas.Count);
            foreach (var schema in schemas)
            {
                await writer.WriteTableStartAsync(schema, cancellationToken);
                using var hasher = new TableHasher(schema.Name, schema.CanonicalCreateStatement, schema.Columns);
                await foreach (var row in TableReader.ReadRowsAsync(connection, schema, cancellationToken))
                {
                    hasher.AppendRow(row);
                    await writer.WriteRowAsync(schema.Columns, row, cancellationToken);
                }

                var checksum = hasher.Finish();
                await writer.WriteTableEndAsync(checksum, cancellationToken);
                checksums.Add(checksum);
            }

            await writer.WriteEndAsync(checksums.Count, cancellationToken);
            await ExecuteAsync(connection, "COMMIT", cancellationToken);
            return new TableDumpResult(checksums);
        });
    }

    /// <summary>
    /// Reads a whole dump without touching any database and checks its structure, its completion line and every
    /// table's rows against the table's checksum; throws <c>failed_database_dump</c> when any of that fails.
    /// </summary>
    public static async Task<TableDumpResult> VerifyDumpAsync(Stream input, CancellationToken cancellationToken)
    {
        using var reader = new TableDumpReader(input);
        await reader.ReadStartAsync(cancellationToken);
        while (await reader.ReadTableAsync(cancellationToken) is not null)
        {
            while (await reader.ReadRowAsync(cancellationToken) is not null)
            {
            }
        }

        return new TableDumpResult([.. reader.Tables]);
    }

    /// <summary>
    /// Replaces every table in the dump with its dumped state: <c>DROP TABLE IF EXISTS</c>, the dumped CREATE statement,
    /// then the rows in batched multi-row INSERTs, with foreign key checks off. Tables not in the dump are not touched.
    /// A seekable <paramref name="input"/> is verified whole first (<see cref="VerifyDumpAsync"/>), so a corrupt dump
    /// drops nothing; a stream that cannot seek is checked table by table as it is read. Every restored table is
    /// checksummed again afterwards; a mismatch throws <c>failed_database_dump</c>. Running it twice gives the same tables.
    /// </summary>
    public async Task<TableDumpResult> RestoreTablesAsync(Stream input, CancellationToken cancellationToken)
    {
        if (input.CanSeek)
        {
            var start = input.Position;
            await VerifyDumpAsync(input, cancellationToken);
            input.Position = start;
        }

        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync("restore", async () =>
        {
            await ExecuteAsync(
                connection,
                "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', " +
                "SESSION FOREIGN_KEY_CHECKS = 0, SESSION UNIQUE_CHECKS = 0, SESSION max_sort_length = 8388608",
                cancellationToken);

            // A statement must fit the server's max_allowed_packet (MariaDB's default is 16 MB, old servers' 1 MB).
            await using var packet = new MySqlCommand("SELECT @@max_allowed_packet", connection);
            var batchBytes = Math.Min(InsertBatchBytes, Convert.ToInt64(await packet.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) / 2);
            using var reader = new TableDumpReader(input);
            await reader.ReadStartAsync(cancellationToken);
            while (await reader.ReadTableAsync(cancellationToken) is { } table)
            {
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Sql.Quote(table.Name)}", cancellationToken);
                await ExecuteAsync(connection, table.CreateStatement, cancellationToken);
                await ExecuteAsync(connection, "START TRANSACTION", cancellationToken);
                await InsertRowsAsync(connection, table, reader, batchBytes, cancellationToken);
                await ExecuteAsync(connection, "COMMIT", cancellationToken);

                var expected = reader.EndOfTable!;
                var actual = await ChecksumAsync(connection, table.Name, cancellationToken);
                if (actual != expected)
                {
                    throw new DatabaseException(
                        DatabaseErrors.Dump,
                        $"The restored table '{table.Name}' has {actual.Rows} rows with SHA-256 {actual.Sha256}; the dump has {expected.Rows} rows with SHA-256 {expected.Sha256}.");
                }
            }

            await ExecuteAsync(connection, "SET SESSION FOREIGN_KEY_CHECKS = 1, SESSION UNIQUE_CHECKS = 1", cancellationToken);
            return new TableDumpResult([.. reader.Tables]);
        });
    }

    /// <summary>The checksums of <paramref name="tables"/> as they are now, all read in one consistent snapshot.</summary>
    public async Task<IReadOnlyList<TableChecksum>> ChecksumTablesAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        CheckTableList(tables);
        await using var connection = await OpenSnapshotAsync(cancellationToken);
        return await RunAsync("checksum", async () =>
        {
            var checksums = new List<TableChecksum>(tables.Count);
            foreach (var table in tables)
            {
                checksums.Add(await ChecksumAsync(connection, table, cancellationToken));
            }

            await ExecuteAsync(connection, "COMMIT", cancellationToken);
            return (IReadOnlyList<TableChecksum>)checksums;
        });
    }

    /// <summary>
    /// The base tables of the database whose names start with <paramref name="prefix"/> (taken literally: '_' and '%'
    /// are escaped in the LIKE), sorted; so a WordPress prefix finds its multisite tables (<c>wp_2_posts</c>) too.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTablesAsync(string prefix, CancellationToken cancellationToken) =>
        await QueryAsync("table listing", async connection =>
        {
            await using var command = new MySqlCommand(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' " +
                "AND table_name LIKE @pattern ESCAPE '!'", connection);
            command.Parameters.AddWithValue("@pattern", LikePrefix(prefix));
            var tables = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }

            return tables.Order(StringComparer.Ordinal).ToList();
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a connection of its own; failures become <see cref="DatabaseException"/>s without credentials.</summary>
    internal async Task<T> QueryAsync<T>(string operation, Func<MySqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync(operation, () => work(connection));
    }

    /// <summary>A LIKE pattern (escape character '!') matching names that start with <paramref name="prefix"/> exactly.</summary>
    internal static string LikePrefix(string prefix) =>
        prefix.Replace("!", "!!", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal) + "%";

    private static async Task<TableChecksum> ChecksumAsync(MySqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var schema = await TableSchema.ReadAsync(connection, table, cancellationToken);
        using var hasher = new TableHasher(schema.Name, schema.CanonicalCreateStatement, schema.Columns);
        await foreach (var row in TableReader.ReadRowsAsync(connection, schema, cancellationToken))
        {
            hasher.AppendRow(row);
        }

        return hasher.Finish();
    }

    private static async Task InsertRowsAsync(MySqlConnection connection, DumpedTable table, TableDumpReader reader, long batchBytes, CancellationToken cancellationToken)
    {
        var prefix = $"INSERT INTO {Sql.Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => Sql.Quote(c.Name)))}) VALUES ";
        var tuple = "(" + string.Join(", ", Enumerable.Repeat("?", table.Columns.Count)) + ")";
        var sql = new StringBuilder(prefix);
        await using var command = new MySqlCommand { Connection = connection };
        var rows = 0;
        var bytes = 0L;

        async Task FlushAsync()
        {
            if (rows == 0)
            {
                return;
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.Parameters.Clear();
            sql.Clear().Append(prefix);
            rows = 0;
            bytes = 0;
        }

        while (await reader.ReadRowAsync(cancellationToken) is { } values)
        {
            if (rows > 0)
            {
                sql.Append(", ");
            }

            sql.Append(tuple);
            foreach (var value in values)
            {
                command.Parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });

                // The size in the statement at worst: an escaped byte takes two, a UTF-16 unit three bytes of UTF-8.
                bytes += value switch
                {
                    byte[] binary => 3 + (binary.Length * 2L),
                    string text => 3 + (text.Length * 3L),
                    _ => 22,
                };
            }

            rows++;
            if (rows >= InsertBatchRows || bytes >= batchBytes)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
    }

    private static void CheckTableList(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A table name is empty.", nameof(tables));
        }

        if (tables.Distinct(StringComparer.Ordinal).Count() != tables.Count)
        {
            throw new ArgumentException("A table is listed twice.", nameof(tables));
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<MySqlConnection> OpenSnapshotAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await RunAsync("snapshot", async () =>
            {
                await ExecuteAsync(connection, "SET SESSION time_zone = '+00:00', SESSION max_sort_length = 8388608", cancellationToken);
                await ExecuteAsync(connection, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken);
                await ExecuteAsync(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken);
                return true;
            });
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(Connection.ConnectionString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is MySqlException or SocketException or TimeoutException or IOException)
        {
            await connection.DisposeAsync();
            throw Classify(e);
        }
    }

    /// <summary>A connection failure as an errcode and a message of our own: server messages may name the user.</summary>
    private DatabaseException Classify(Exception e)
    {
        var endpoint = Connection.Endpoint;
        if (e is MySqlException mysql)
        {
            switch (mysql.ErrorCode)
            {
                case MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.HostNotPrivileged
                    or MySqlErrorCode.PasswordNoMatch:
                    return new DatabaseException(
                        DatabaseErrors.Login,
                        $"The database server at {endpoint} refused the login to database '{Connection.Name}' (MySQL error {(int)mysql.ErrorCode}: access denied).");
                case MySqlErrorCode.UnknownDatabase:
                    return new DatabaseException(
                        DatabaseErrors.Login,
                        $"The database server at {endpoint} has no database '{Connection.Name}' for this login (MySQL error {(int)mysql.ErrorCode}).");
            }

            if (mysql.Number is >= 1000 and < 2000 && mysql.ErrorCode is not (MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.ConnectionCountError))
            {
                return new DatabaseException(
                    DatabaseErrors.Login,
                    $"The database server at {endpoint} refused the connection to database '{Connection.Name}' (MySQL error {mysql.Number}).");
            }
        }

        var reason = FindSocketError(e) is { } socket ? $"{socket.SocketErrorCode}" : e is TimeoutException ? "timed out" : "unreachable";
        return new DatabaseException(DatabaseErrors.Host, $"Cannot connect to the database server at {endpoint} ({reason}).");
    }

    private static SocketException? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket;
            }
        }

        return null;
    }

    /// <summary>Runs a step on an open connection, turning server errors into <c>failed_database_query</c>.</summary>
    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (MySqlException e)
        {
            throw new DatabaseException(
                DatabaseErrors.Query,
                $"The database {operation} on {Connection.Endpoint}/{Connection.Name} failed (MySQL error {e.Number}): {e.Message}",
                e);
        }
    }
}
