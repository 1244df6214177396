using System.IO.Compression;
using Installatron.Core.Domain;

namespace Installatron.Core.Databases;

/// <summary>The database half of an install's backup: which tables, where, and how they are written and read back.</summary>
public static class InstallDatabase
{
    /// <summary>The install's database when it has MySQL/MariaDB tables to keep; <c>null</c> otherwise.</summary>
    public static DatabaseConnection? For(Install install) =>
        install.DbType == "mysql" && install.Tables.Count > 0 && install.DbName.Length > 0
            ? ConnectionOf(install.DbHost, install.DbName, install.DbUser, install.DbPass)
            : null;

    /// <summary>A connection from an install's fields; <paramref name="host"/> as WordPress's <c>DB_HOST</c> writes it (empty: localhost).</summary>
    public static DatabaseConnection ConnectionOf(string host, string name, string user, string password) =>
        new(host.Length == 0 ? "localhost" : host, DatabaseConnection.DefaultPort, name, user, password);

    /// <summary>The dump's name inside the backup archive (<c>database/tables.jsonl.gz</c>).</summary>
    public const string AttachmentName = "tables.jsonl.gz";

    /// <summary>Where the dump is written before it goes into the archive (and extracted to for a revert).</summary>
    public static string DumpPathFor(string archivePath) =>
        archivePath.EndsWith(".tar.gz", StringComparison.Ordinal) ? archivePath[..^".tar.gz".Length] + ".tables.jsonl.gz" : archivePath + ".tables.jsonl.gz";

    /// <summary>Dumps the tables (one consistent snapshot) into a gzip file, written under a temporary name, checked, then renamed.</summary>
    public static async Task<TableDumpResult> DumpAsync(DatabaseConnection connection, IReadOnlyList<string> tables, string path, CancellationToken cancellationToken)
    {
        var partial = path + ".partial";
        await using (var file = File.Create(partial))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            await new MySqlDatabase(connection).DumpTablesAsync(tables, gzip, cancellationToken);
        }

        var dumped = await VerifyAsync(partial, cancellationToken);
        File.Move(partial, path, overwrite: true);
        return dumped;
    }

    public static async Task<TableDumpResult> VerifyAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return await MySqlDatabase.VerifyDumpAsync(gzip, cancellationToken);
    }

    /// <summary>Drops and restores every table of the dump, then checks the live checksums against it.</summary>
    public static async Task RestoreAsync(DatabaseConnection connection, string path, IReadOnlyList<TableChecksum> expected, CancellationToken cancellationToken)
    {
        var database = new MySqlDatabase(connection);
        await using (var file = File.OpenRead(path))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            await database.RestoreTablesAsync(gzip, cancellationToken);
        }

        var live = await database.ChecksumTablesAsync(expected.Select(t => t.Table).ToList(), cancellationToken);
        if (!live.SequenceEqual(expected))
        {
            throw new DatabaseException(DatabaseErrors.Dump, "The restored tables do not match the backup's checksums.");
        }
    }
}
