using Installatron.Core.Databases;
using MySqlConnector;

namespace Installatron.Databases.Tests.Support;

/// <summary>Plain SQL against a test database, as its own user.</summary>
public static class TestSql
{
    public static async Task ExecuteAsync(DatabaseConnection database, string sql, params object?[] parameters)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new MySqlParameter { Value = parameter ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(DatabaseConnection database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private static async Task<MySqlConnection> OpenAsync(DatabaseConnection database)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = database.Host,
            Port = (uint)database.Port,
            Database = database.Name,
            UserID = database.User,
            Password = database.Password,
            CharacterSet = "utf8mb4",
            Pooling = false,
            AllowUserVariables = true,
            TreatTinyAsBoolean = false,
            GuidFormat = MySqlGuidFormat.None,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
