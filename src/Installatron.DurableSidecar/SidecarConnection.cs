using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Installatron.DurableSidecar;

/// <summary>
/// The gRPC channel the Durable Task worker and client use to reach the embedded sidecar. The channel exists before
/// the sidecar listens (the worker and client are built with it), so it dials the loopback port the sidecar reports
/// once Kestrel has bound a free one.
/// </summary>
internal sealed class SidecarConnection : IDisposable
{
    private int _port;

    public SidecarConnection()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            EnableMultipleHttp2Connections = true,
        };

        // Loopback only, between two parts of one process: histories are not limited to gRPC's default 4 MB.
        Channel = GrpcChannel.ForAddress("http://127.0.0.1", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
        });
    }

    public GrpcChannel Channel { get; }

    /// <summary>The sidecar's port, 0 until it listens.</summary>
    public int Port
    {
        get => Volatile.Read(ref _port);
        set => Volatile.Write(ref _port, value);
    }

    public void Dispose() => Channel.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var port = Port;
        if (port == 0)
        {
            throw new HttpRequestException("The Durable Task sidecar is not listening yet.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
