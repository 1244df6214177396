using System.Net;
using System.Net.Sockets;

namespace Installatron.Processes;

/// <summary>Ports on 127.0.0.1: a free one for a server to listen on, and whether something listens on one.</summary>
public static class LoopbackPort
{
    /// <summary>A port no one listens on now (the system's choice, so two callers at once get different ones).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
