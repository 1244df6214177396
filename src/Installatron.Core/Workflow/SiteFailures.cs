using Installatron.Core.Domain;
using Installatron.Core.Sites.Access.Sftp;

namespace Installatron.Core.Workflow;

/// <summary>
/// The errcodes of a site's server that cannot be reached or refuses the login: <c>failed_filesystem_host</c>
/// (unreachable, refused, DNS, timeout, a host key other than the pinned one, a connection lost on the way) and
/// <c>failed_filesystem_login</c>. A lost connection is transient: an update step leaves it to the orchestration's
/// retry policy, which runs the (idempotent) step again.
/// </summary>
public static class SiteFailures
{
    /// <summary>The errcode of <paramref name="e"/> when it is a failure of the site's server; <c>null</c> otherwise.</summary>
    public static string? ErrcodeOf(Exception e) => e switch
    {
        RemoteLoginException => ErrorCodes.FailedFilesystemLogin,
        _ when RemoteFailures.IsConnectionLost(e) => ErrorCodes.FailedFilesystemHost,
        _ => null,
    };

    /// <summary>True when running the step again may succeed: the connection to the site's server was lost or not made.</summary>
    public static bool IsTransient(Exception e) => e is not RemoteLoginException && RemoteFailures.IsConnectionLost(e);

    /// <summary>A refusal for the API: the server's failure with its errcode; <c>null</c> for other exceptions.</summary>
    public static Refusal? AsRefusal(Exception e) => ErrcodeOf(e) is { } errcode ? new Refusal(errcode, null, e.Message) : null;

    /// <summary>Opens the connection for a request: a failure of the server becomes its refusal.</summary>
    public static async Task<SiteConnection> OpenForRequestAsync(this SiteAccess access, HostingUser owner, CancellationToken cancellationToken, bool fresh = false)
    {
        try
        {
            return await access.OpenAsync(owner, cancellationToken, fresh);
        }
        catch (Exception e) when (AsRefusal(e) is { } refusal)
        {
            throw refusal;
        }
    }
}
