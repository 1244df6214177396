namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// The site's server cannot be reached or is not the one pinned: DNS, a refused or dropped connection, a timeout, an
/// unknown or changed host key. Nothing was changed by the refusal itself. Maps to <c>failed_filesystem_host</c>.
/// </summary>
public sealed class RemoteHostException(string message, Exception? innerException = null) : SiteFilesException(message, innerException);

/// <summary>The server refused the login (password or key). Maps to <c>failed_filesystem_login</c>.</summary>
public sealed class RemoteLoginException(string message, Exception? innerException = null) : SiteFilesException(message, innerException);
