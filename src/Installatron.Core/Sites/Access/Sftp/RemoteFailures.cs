using Renci.SshNet.Common;

namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>Failures that mean the connection to a site's server was lost or could not be made (running it again may work).</summary>
public static class RemoteFailures
{
    /// <summary>True for <see cref="RemoteHostException"/> and for SSH.NET's own dropped-connection failures (at any depth).</summary>
    public static bool IsConnectionLost(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RemoteHostException or SshConnectionException or SshOperationTimeoutException
                || (e is ObjectDisposedException disposed && disposed.ObjectName?.Contains("Ssh", StringComparison.OrdinalIgnoreCase) == true))
            {
                return true;
            }
        }

        return false;
    }
}
