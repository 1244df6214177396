namespace Installatron.Core.Sites;

/// <summary>A site file operation that was refused or found a problem; the message says what and where.</summary>
public class SiteFilesException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A path (in a package, a manifest, an exclude list, or a symbolic link on disk) that would leave the site root.</summary>
public sealed class UnsafePathException(string message) : SiteFilesException(message);

/// <summary>A package that is not a zip, or holds an entry that would be written outside the site or cannot be applied.</summary>
public sealed class InvalidPackageException(string message, Exception? innerException = null) : SiteFilesException(message, innerException);

/// <summary>A backup archive that failed verification: callers must not update (or restore) with it.</summary>
public sealed class InvalidBackupException(string message, IReadOnlyList<string> problems) : SiteFilesException(message)
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>A site tree that still differs from what it should be after an operation that promised otherwise.</summary>
public sealed class SiteMismatchException(string message, IReadOnlyList<SiteDifference> differences) : SiteFilesException(message)
{
    public IReadOnlyList<SiteDifference> Differences { get; } = differences;
}
