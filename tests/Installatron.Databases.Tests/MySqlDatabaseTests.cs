using System.Text;
using Installatron.Core.Databases;
using Installatron.Databases.Tests.Support;
using Installatron.Processes;

namespace Installatron.Databases.Tests;

[Collection(MariaDbCollection.Name)]
public sealed class MySqlDatabaseTests(MariaDbServer server)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task RestoreTables_AfterRowsSchemaAndTablesChanged_ChecksumsEqualTheOriginals()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        var before = await database.ChecksumTablesAsync(WordPressTables.Names, Ct);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(WordPressTables.Names, dump, Ct);

        await TestSql.ExecuteAsync(connection, "SET FOREIGN_KEY_CHECKS = 0; " +
            "UPDATE wp_options SET option_value = 'changed' WHERE option_name = 'blogname'; " +
            "INSERT INTO wp_options (option_name, option_value) VALUES ('db_version', '58975'); " +
            "DELETE FROM wp_postmeta WHERE meta_key IS NULL; " +
            "ALTER TABLE wp_posts ADD COLUMN post_extra varchar(10) NULL, DROP INDEX post_author; " +
            "DROP TABLE wp_users; " +
            "CREATE TABLE wp_new_in_update (id int PRIMARY KEY)");
        var changed = await database.ChecksumTablesAsync(["wp_options", "wp_posts", "wp_postmeta"], Ct);
        Assert.All(changed, (checksum, i) => Assert.NotEqual(before[i].Sha256, checksum.Sha256));

        dump.Position = 0;
        var restored = await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(before, dumped.Tables);
        Assert.Equal(before, restored.Tables);
        Assert.Equal(before, await database.ChecksumTablesAsync(WordPressTables.Names, Ct));
        Assert.Equal(1L, await TestSql.ScalarAsync(connection, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_new_in_update'"));
    }

    [Fact]
    public async Task DumpTables_WordPressLikeValues_RoundTripExactly()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(WordPressTables.Names, dump, Ct);

        await TestSql.ExecuteAsync(connection, "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE wp_options, wp_posts, wp_postmeta, wp_users");
        dump.Position = 0;
        await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(WordPressTables.Names, Ct));
        Assert.Equal([4L, 3L, 3L, 1L], dumped.Tables.Select(t => t.Rows));
        Assert.Equal("Café 😀 «quotes» \"double\" \\ back", await TestSql.ScalarAsync(connection, "SELECT option_value FROM wp_options WHERE option_name = 'blogname'"));
        Assert.Equal(WordPressTables.Blob, await TestSql.ScalarAsync(connection, "SELECT thumbnail FROM wp_posts WHERE ID = 1"));
        Assert.Equal("0000-00-00 00:00:00", await TestSql.ScalarAsync(connection, "SELECT CAST(post_date_gmt AS CHAR) FROM wp_posts WHERE ID = 1"));
        Assert.Equal("12345678901234567890.12345678", await TestSql.ScalarAsync(connection, "SELECT CAST(price AS CHAR) FROM wp_posts WHERE ID = 1"));
        Assert.Equal("2024-03-01 12:00:00.123", await TestSql.ScalarAsync(connection, "SELECT CAST(modified AS CHAR) FROM wp_posts WHERE ID = 1"));
        Assert.Equal(0b1010101010UL, Convert.ToUInt64(await TestSql.ScalarAsync(connection, "SELECT CAST(flags AS UNSIGNED) FROM wp_posts WHERE ID = 1")));
        Assert.Null(await TestSql.ScalarAsync(connection, "SELECT meta_value FROM wp_postmeta WHERE meta_id = 2"));
        Assert.Equal(13, Convert.ToInt32(await TestSql.ScalarAsync(connection, "SELECT title_length FROM wp_posts WHERE ID = 1")));

        // The AUTO_INCREMENT counter comes back with the CREATE statement: the deleted user's id is not reused.
        await TestSql.ExecuteAsync(connection, "INSERT INTO wp_users (user_login) VALUES ('next')");
        Assert.Equal(3UL, await TestSql.ScalarAsync(connection, "SELECT ID FROM wp_users WHERE user_login = 'next'"));
    }

    [Fact]
    public async Task DumpTables_Always_WritesSelfDescribingJsonLines()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        using var dump = new MemoryStream();
        await new MySqlDatabase(connection).DumpTablesAsync(["wp_users"], dump, Ct);

        var lines = Encoding.UTF8.GetString(dump.ToArray()).TrimEnd('\n').Split('\n');

        Assert.Equal("""{"format":"installatron-table-dump","version":1}""", lines[0]);
        Assert.StartsWith("""{"table":"wp_users","create":"CREATE TABLE `wp_users`""", lines[1], StringComparison.Ordinal);
        Assert.Contains("""{"name":"ID","kind":"integer"}""", lines[1], StringComparison.Ordinal);
        Assert.Contains("""{"name":"user_registered","kind":"temporal"}""", lines[1], StringComparison.Ordinal);
        Assert.Equal("""[1,"admin","$P$Bxyz","0000-00-00 00:00:00"]""", lines[2]);
        Assert.StartsWith("""{"end":"wp_users","rows":1,"sha256":""", lines[3], StringComparison.Ordinal);
        Assert.Equal("""{"complete":true,"tables":1}""", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task RestoreTables_TableNotInDump_IsUntouched()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        await database.DumpTablesAsync(["wp_options"], dump, Ct);
        await TestSql.ExecuteAsync(connection, "UPDATE wp_users SET user_pass = 'after-dump'; UPDATE wp_options SET autoload = 'no'");
        var users = await database.ChecksumTablesAsync(["wp_users", "wp_posts", "wp_postmeta"], Ct);

        dump.Position = 0;
        var restored = await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(["wp_options"], restored.Tables.Select(t => t.Table));
        Assert.Equal(users, await database.ChecksumTablesAsync(["wp_users", "wp_posts", "wp_postmeta"], Ct));
        Assert.Equal("after-dump", await TestSql.ScalarAsync(connection, "SELECT user_pass FROM wp_users"));
        Assert.Equal(1L, await TestSql.ScalarAsync(connection, "SELECT COUNT(*) FROM wp_options WHERE autoload = 'no'"));
    }

    [Fact]
    public async Task RestoreTables_Twice_SameTables()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(WordPressTables.Names, dump, Ct);

        dump.Position = 0;
        await database.RestoreTablesAsync(dump, Ct);
        dump.Position = 0;
        await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(WordPressTables.Names, Ct));
    }

    [Fact]
    public async Task DumpTables_ManyRows_BatchedRestoreRoundTrips()
    {
        var connection = await server.CreateDatabaseAsync();
        await TestSql.ExecuteAsync(connection,
            "CREATE TABLE wp_big (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, body varchar(200) NOT NULL); " +
            "INSERT INTO wp_big (body) SELECT CONCAT('row ', seq, ' ', REPEAT('é', seq MOD 50)) FROM seq_1_to_5000");
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(["wp_big"], dump, Ct);
        await TestSql.ExecuteAsync(connection, "DELETE FROM wp_big WHERE id MOD 7 = 0");

        dump.Position = 0;
        await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(5000, dumped.Tables[0].Rows);
        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(["wp_big"], Ct));
    }

    [Fact]
    public async Task DumpTables_LargeBlobs_BatchedBySizeRoundTrip()
    {
        var connection = await server.CreateDatabaseAsync();
        await TestSql.ExecuteAsync(connection,
            "CREATE TABLE wp_media (id int NOT NULL PRIMARY KEY, data longblob NOT NULL, caption longtext NOT NULL); " +
            "INSERT INTO wp_media SELECT seq, REPEAT(UNHEX(SHA2(seq, 256)), 25000), REPEAT('€', 100000) FROM seq_1_to_12");
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(["wp_media"], dump, Ct);
        await TestSql.ExecuteAsync(connection, "UPDATE wp_media SET data = 'x' WHERE id = 12");

        dump.Position = 0;
        await database.RestoreTablesAsync(dump, Ct);

        Assert.Equal(12, dumped.Tables[0].Rows);
        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(["wp_media"], Ct));
        Assert.Equal(800_000L, Convert.ToInt64(await TestSql.ScalarAsync(connection, "SELECT LENGTH(data) FROM wp_media WHERE id = 12")));
    }

    [Fact]
    public async Task DumpTables_TableWithoutPrimaryKey_ChecksumIsStable()
    {
        var connection = await server.CreateDatabaseAsync();
        await TestSql.ExecuteAsync(connection,
            "CREATE TABLE wp_log (message varchar(20), at datetime); " +
            "INSERT INTO wp_log VALUES ('b', '2024-01-01'), ('a', NULL), ('A', NULL), ('a', NULL), (NULL, '2023-01-01')");
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(["wp_log"], dump, Ct);
        await TestSql.ExecuteAsync(connection, "DELETE FROM wp_log WHERE BINARY message = 'a'; INSERT INTO wp_log VALUES ('a', NULL), ('a', NULL)");

        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(["wp_log"], Ct));
        dump.Position = 0;
        Assert.Equal(dumped.Tables, (await database.RestoreTablesAsync(dump, Ct)).Tables);
    }

    [Fact]
    public async Task DumpTables_MissingTable_ThrowsFailedDatabaseTableAndWritesNothing()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        using var dump = new MemoryStream();

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(connection).DumpTablesAsync(["wp_options", "wp_missing"], dump, Ct));

        Assert.Equal(DatabaseErrors.Table, error.Errcode);
        Assert.Contains("'wp_missing' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, dump.Length);
    }

    [Fact]
    public async Task RestoreTables_TamperedSeekableDump_ThrowsFailedDatabaseDumpAndDropsNothing()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        await database.DumpTablesAsync(["wp_options", "wp_users"], dump, Ct);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(dump.ToArray()).Replace("\"admin\"", "\"root\"", StringComparison.Ordinal));
        await TestSql.ExecuteAsync(connection, "UPDATE wp_options SET option_value = 'live' WHERE option_name = 'siteurl'");
        var live = await database.ChecksumTablesAsync(["wp_options", "wp_users"], Ct);

        var error = await Assert.ThrowsAsync<DatabaseException>(() => database.RestoreTablesAsync(new MemoryStream(tampered), Ct));

        Assert.Equal(DatabaseErrors.Dump, error.Errcode);
        Assert.Contains("wp_users", error.Message, StringComparison.Ordinal);
        Assert.Equal(live, await database.ChecksumTablesAsync(["wp_options", "wp_users"], Ct));
    }

    [Fact]
    public async Task RestoreTables_TamperedForwardOnlyDump_ThrowsFailedDatabaseDump()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        await database.DumpTablesAsync(["wp_users"], dump, Ct);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(dump.ToArray()).Replace("\"admin\"", "\"root\"", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<DatabaseException>(() => database.RestoreTablesAsync(new ForwardOnlyStream(tampered), Ct));

        Assert.Equal(DatabaseErrors.Dump, error.Errcode);
        Assert.Contains("wp_users", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreTables_ForwardOnlyStream_RestoresTables()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        var dumped = await database.DumpTablesAsync(WordPressTables.Names, dump, Ct);
        await TestSql.ExecuteAsync(connection, "DELETE FROM wp_postmeta");

        var restored = await database.RestoreTablesAsync(new ForwardOnlyStream(dump.ToArray()), Ct);

        Assert.Equal(dumped.Tables, restored.Tables);
        Assert.Equal(dumped.Tables, await database.ChecksumTablesAsync(WordPressTables.Names, Ct));
    }

    [Fact]
    public async Task VerifyDump_IntactDump_AnswersItsChecksums()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        using var dump = new MemoryStream();
        var dumped = await new MySqlDatabase(connection).DumpTablesAsync(WordPressTables.Names, dump, Ct);

        dump.Position = 0;
        var verified = await MySqlDatabase.VerifyDumpAsync(dump, Ct);

        Assert.Equal(dumped.Tables, verified.Tables);
    }

    [Fact]
    public async Task VerifyDump_StatementThatIsNotTheTablesCreate_ThrowsFailedDatabaseDump()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        using var dump = new MemoryStream();
        await new MySqlDatabase(connection).DumpTablesAsync(["wp_users"], dump, Ct);
        var renamed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(dump.ToArray()).Replace("CREATE TABLE `wp_users`", "CREATE TABLE `wp_other`", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<DatabaseException>(() => MySqlDatabase.VerifyDumpAsync(new MemoryStream(renamed), Ct));

        Assert.Equal(DatabaseErrors.Dump, error.Errcode);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreTables_TruncatedDump_ThrowsFailedDatabaseDump()
    {
        var connection = await server.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(connection);
        var database = new MySqlDatabase(connection);
        using var dump = new MemoryStream();
        await database.DumpTablesAsync(["wp_users", "wp_options"], dump, Ct);
        var text = Encoding.UTF8.GetString(dump.ToArray());
        var truncated = text[..text.LastIndexOf("{\"complete\"", StringComparison.Ordinal)];

        var error = await Assert.ThrowsAsync<DatabaseException>(() => database.RestoreTablesAsync(new MemoryStream(Encoding.UTF8.GetBytes(truncated)), Ct));

        Assert.Equal(DatabaseErrors.Dump, error.Errcode);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_RightCredentials_Succeeds()
    {
        var connection = await server.CreateDatabaseAsync();

        await new MySqlDatabase(connection).TestConnectionAsync(Ct);
        await new MySqlDatabase(connection with { Host = "localhost", Socket = server.SocketPath }).TestConnectionAsync(Ct);
        await new MySqlDatabase(connection with { Host = $"127.0.0.1:{server.Port}", Port = 1 }).TestConnectionAsync(Ct);
    }

    [Fact]
    public async Task TestConnection_WrongPassword_FailedDatabaseLoginWithoutCredentials()
    {
        var connection = await server.CreateDatabaseAsync();
        var wrong = connection with { Password = "Wrong-Password-4711" };

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(wrong).TestConnectionAsync(Ct));

        Assert.Equal(DatabaseErrors.Login, error.Errcode);
        Assert.DoesNotContain("Wrong-Password-4711", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(connection.Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(connection.User, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_UnknownDatabase_FailedDatabaseLogin()
    {
        var connection = await server.CreateDatabaseAsync();

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(connection with { Name = "db_not_there" }).TestConnectionAsync(Ct));

        Assert.Equal(DatabaseErrors.Login, error.Errcode);
        Assert.DoesNotContain(connection.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_WrongPort_FailedDatabaseHost()
    {
        var connection = await server.CreateDatabaseAsync();
        var closed = connection with { Port = LoopbackPort.Free() };

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(closed).TestConnectionAsync(Ct));

        Assert.Equal(DatabaseErrors.Host, error.Errcode);
        Assert.Contains($"127.0.0.1:{closed.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(connection.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_UnknownHost_FailedDatabaseHost()
    {
        var connection = await server.CreateDatabaseAsync();

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(connection with { Host = "no-such-host.invalid" }).TestConnectionAsync(Ct));

        Assert.Equal(DatabaseErrors.Host, error.Errcode);
        Assert.DoesNotContain(connection.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_MissingSocket_FailedDatabaseHost()
    {
        var connection = await server.CreateDatabaseAsync();

        var error = await Assert.ThrowsAsync<DatabaseException>(() => new MySqlDatabase(connection with { Socket = "/nonexistent/mysql.sock" }).TestConnectionAsync(Ct));

        Assert.Equal(DatabaseErrors.Host, error.Errcode);
    }
}
