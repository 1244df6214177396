using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Installatron.Core.Databases;
using MySqlConnector;

namespace Installatron.Databases.Tests.Support;

/// <summary>
/// A real MariaDB server for the test collection: a fresh data directory in a temp folder, <c>mariadbd</c> on a free
/// port of 127.0.0.1 and a socket in that folder; stopped by its PID and its folder deleted when the tests end. Each
/// test asks for a database (and a user with a password) of its own.
/// </summary>
public sealed class MariaDbServer : IAsyncLifetime
{
    private Process? _process;

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

        Port = FreePort();
        var start = new ProcessStartInfo(mariadbd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--no-defaults", "--user=root", $"--datadir={data}", $"--socket={SocketPath}", $"--port={Port}",
            "--bind-address=127.0.0.1", $"--pid-file={Path.Join(Directory, "mariadbd.pid")}",
            $"--log-error={Path.Join(Directory, "error.log")}", "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
            "--innodb-flush-log-at-trx-commit=2", "--max-allowed-packet=64M",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("mariadbd did not start.");
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

    private async Task WaitUntilReadyAsync(Process process)
    {
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited with code {process.ExitCode}: {ErrorLogTail()}");
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
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
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

    private static async Task RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed with code {process.ExitCode}: {await output}\n{await error}");
        }
    }

    private static string? FindProgram(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"])
            .Select(directory => Path.Join(directory, name))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServer>
{
    public const string Name = "MariaDB";
}
