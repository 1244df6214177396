using System.Diagnostics;
using System.Security.Cryptography;
using Installatron.Core.Databases;
using Installatron.Processes;
using MySqlConnector;

namespace Installatron.Databases.Tests.Support;

/// <summary>
/// A real MariaDB server for the test collection: a fresh data directory in a temp folder, <c>mariadbd</c> on a free
/// port of 127.0.0.1 and a socket in that folder; stopped by its PID and its folder deleted when the tests end. Each
/// test asks for a database (and a user with a password) of its own.
/// </summary>
public sealed class MariaDbServer : IAsyncLifetime
{
    private ChildProcess? _process;

    public string Directory { get; } = Path.Join(Path.GetTempPath(), "installatron-db-tests", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));

    public string SocketPath => Path.Join(Directory, "mysql.sock");

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        var mariadbd = FindProgram("mariadbd") ?? throw new InvalidOperationException(
            "mariadbd is not installed; these tests start a real MariaDB server. Install it with " +
            "'apt-get install -y mariadb-server' (.ci/run does this).");
        var installDb = FindProgram("mariadb-install-db") ?? throw new InvalidOperationException(
            "mariadb-install-db is not installed; install 'mariadb-server'.");

        var data = Path.Join(Directory, "data");
        System.IO.Directory.CreateDirectory(data);
        await RunAsync(installDb, ["--no-defaults", "--user=root", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db"]);

        Port = LoopbackPort.Free();
        _process = ChildProcess.Start(mariadbd,
        [
            "--no-defaults", "--user=root", $"--datadir={data}", $"--socket={SocketPath}", $"--port={Port}",
            "--bind-address=127.0.0.1", $"--pid-file={Path.Join(Directory, "mariadbd.pid")}",
            $"--log-error={Path.Join(Directory, "error.log")}", "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
            "--innodb-flush-log-at-trx-commit=2", "--max-allowed-packet=64M",
        ], new ChildProcessOptions { Name = "mariadbd" });
        try
        {
            await WaitUntilReadyAsync(_process);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(ChildProcess process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited with code {await process.WaitForExitAsync()}: {ErrorLogTail()}");
            }

            try
            {
                await using var root = await OpenRootAsync();
                break;
            }
            catch (MySqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }
        }

        // mariadb-install-db creates anonymous users, which would shadow the tests' users on localhost.
        await RootExecuteAsync("DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;");
    }

    /// <summary>
    /// A new database and a user granted on it alone, reached over TCP; the password holds the characters that break
    /// naive connection strings and SQL (<c>; = ' " \</c>, a space, non-ASCII).
    /// </summary>
    public async Task<DatabaseConnection> CreateDatabaseAsync()
    {
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var name = "db_" + suffix;
        var user = "u_" + suffix;
        var password = "Pw;='\" \\ é-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await RootExecuteAsync(
            $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; " +
            $"CREATE USER '{user}'@'%' IDENTIFIED BY ?; " +
            $"GRANT ALL ON `{name}`.* TO '{user}'@'%';",
            password);
        return new DatabaseConnection("127.0.0.1", Port, name, user, password);
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task<MySqlConnection> OpenRootAsync()
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
            UserID = "root",
            Pooling = false,
            AllowUserVariables = true,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task RootExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = await OpenRootAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new MySqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    private string ErrorLogTail()
    {
        var log = Path.Join(Directory, "error.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no error log)";
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments) =>
        (await ChildProcess.RunAsync(program, arguments, TimeSpan.FromMinutes(2))).EnsureSuccess();

    private static string? FindProgram(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"])
            .Select(directory => Path.Join(directory, name))
            .FirstOrDefault(File.Exists);
}

[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServer>
{
    public const string Name = "MariaDB";
}
