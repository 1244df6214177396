using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Databases.Tests.Support;

namespace Installatron.Databases.Tests;

/// <summary>What an import reads from a site's database: its tables by prefix, and WordPress's schema version.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class SiteTablesTests(MariaDbServer server)
{
    [Fact]
    public async Task ListTablesAsync_PrefixWithUnderscore_ItsTablesAndMultisiteTablesOnly()
    {
        var connection = await server.CreateDatabaseAsync();
        await TestSql.ExecuteAsync(connection,
            "CREATE TABLE wp_options (id int PRIMARY KEY); CREATE TABLE wp_blogs (id int PRIMARY KEY); CREATE TABLE wp_2_posts (id int PRIMARY KEY); " +
            // '_' in LIKE matches any character: unescaped, 'wp_%' would take these two as well.
            "CREATE TABLE wpxoptions (id int PRIMARY KEY); CREATE TABLE wp2_options (id int PRIMARY KEY); " +
            "CREATE TABLE other_posts (id int PRIMARY KEY); CREATE VIEW wp_view AS SELECT id FROM wp_options");

        var tables = await new MySqlDatabase(connection).ListTablesAsync("wp_", CancellationToken.None);

        Assert.Equal(["wp_2_posts", "wp_blogs", "wp_options"], tables);
    }

    [Fact]
    public async Task ListTablesAsync_OverTheSocketAsDbHostWritesIt_SameTables()
    {
        var tcp = await server.CreateDatabaseAsync();
        await TestSql.ExecuteAsync(tcp, "CREATE TABLE wp_options (id int PRIMARY KEY)");
        var socket = InstallDatabase.ConnectionOf($"localhost:{server.SocketPath}", tcp.Name, tcp.User, tcp.Password);

        Assert.Equal(["wp_options"], await new MySqlDatabase(socket).ListTablesAsync("wp_", CancellationToken.None));
    }

    [Fact]
    public async Task ReadDbVersionAsync_OptionSetOrMissing_ValueOrNull()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        Assert.Null(await SiteOptions.ReadAsync(connection, "wp_", ApplicationRecipes.WordPress.Database!, "db_version", CancellationToken.None));

        await TestSql.ExecuteAsync(connection, "INSERT INTO wp_options (option_name, option_value) VALUES ('db_version', '53496')");

        Assert.Equal("53496", await SiteOptions.ReadAsync(connection, "wp_", ApplicationRecipes.WordPress.Database!, "db_version", CancellationToken.None));
    }

    [Fact]
    public async Task ListTablesAsync_WrongPassword_FailedDatabaseLoginWithoutCredentials()
    {
        var connection = await server.CreateDatabaseAsync() with { Password = "not-the-password" };

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(connection).ListTablesAsync("wp_", CancellationToken.None));

        Assert.Equal(DatabaseErrors.Login, error.Errcode);
        Assert.DoesNotContain("not-the-password", error.Message);
    }
}
