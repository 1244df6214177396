using Installatron.Core.Domain;

namespace Installatron.Core.Databases;

/// <summary>
/// A database operation that failed; <see cref="Errcode"/> says which kind of failure (see <see cref="DatabaseErrors"/>).
/// Messages name the server and the database, never a user name or password.
/// </summary>
public sealed class DatabaseException(string errcode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    public string Errcode { get; } = errcode;
}

/// <summary>The errcodes of <see cref="DatabaseException"/>.</summary>
public static class DatabaseErrors
{
    /// <summary>The server cannot be reached: unknown host, refused, timed out, no such socket.</summary>
    public const string Host = ErrorCodes.FailedDatabaseHost;

    /// <summary>The server refused the login: access denied, or the database does not exist or is not granted.</summary>
    public const string Login = ErrorCodes.FailedDatabaseLogin;

    /// <summary>A table asked for does not exist, is a view, or has a column type this engine does not dump.</summary>
    public const string Table = ErrorCodes.FailedDatabaseTable;

    /// <summary>A dump that is truncated, malformed, or whose rows do not match its own checksums; or a restore that did not reproduce them.</summary>
    public const string Dump = ErrorCodes.FailedDatabaseDump;

    /// <summary>Any other error the server reported while dumping, restoring or checksumming.</summary>
    public const string Query = ErrorCodes.FailedDatabaseQuery;
}
