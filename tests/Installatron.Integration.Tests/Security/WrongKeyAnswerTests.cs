using System.Net.Sockets;
using System.Text;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// The standalone server refuses a request without the right key before routing it. The answer must be the one every
/// route gives (the seed's envelope, 403 <c>invalid_api_key</c>), byte for byte whatever the method and path, with
/// no header more; and a request with the right key is still routed. Read off the socket, as a client sees it.
/// </summary>
public sealed class WrongKeyAnswerTests
{
    private const string Envelope =
        """{"result":false,"status":403,"errcode":"invalid_api_key","errfield":null,"message":"The X-API-KEY header is missing or does not match the server's Installatron Server key.","data":null}""";

    [Fact]
    public async Task AnyRequest_WrongOrMissingKey_SameEnvelopeAndHeadersBeforeRouting()
    {
        await using var server = await ApiServer.StartAsync();
        string[] requests =
        [
            $"POST /installs/{DemoData.InstallId}/update HTTP/1.1\r\nX-API-KEY: wrong\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n{{\"dryrun\":\"input\"}}",
            $"POST /installs/{DemoData.InstallId}/upgrade HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            $"PUT /installs/{DemoData.InstallId}/update HTTP/1.1\r\nX-API-KEY: \r\nContent-Length: 0\r\n\r\n",
            "GET /openapi.json HTTP/1.1\r\nX-API-KEY: x\r\n\r\n",
            "DELETE /nothing/here?key=1 HTTP/1.1\r\nX-API-KEY: wrong\r\n\r\n",
            "GET /rollouts HTTP/1.1\r\nX-API-KEY: wrong\r\nX-API-KEY: another\r\n\r\n",
        ];

        foreach (var request in requests)
        {
            var (head, body) = await SendAsync(server.BaseAddress, request);
            Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", head, StringComparison.Ordinal);
            var headers = head.Split("\r\n").Skip(1).Where(l => l.Length > 0).Select(l => l[..l.IndexOf(':')]).Order(StringComparer.Ordinal);
            Assert.Equal(["Content-Length", "Content-Type", "Date", "Server"], headers);
            Assert.Contains("\r\nContent-Type: application/json; charset=utf-8\r\n", head, StringComparison.Ordinal);
            Assert.Equal(Envelope, body);
        }

        // With the key, the same paths are routed as before.
        (await server.GetAsync("/nothing/here")).AssertEnvelope(404, Core.Domain.ErrorCodes.RouteNotFound);
        (await server.GetAsync("/rollouts")).AssertEnvelope(200, null);
    }

    /// <summary>One request on its own connection; the answer's head and its body (read to Content-Length).</summary>
    private static async Task<(string Head, string Body)> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var withHost = request.Replace(" HTTP/1.1\r\n", $" HTTP/1.1\r\nHost: {server.Authority}\r\n", StringComparison.Ordinal);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(withHost));
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.UTF8.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..(end + 2)];
                var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.Ordinal))[15..].Trim());
                if (received.Count >= end + 4 + length)
                {
                    return (head, text.Substring(end + 4, length));
                }
            }

            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(read > 0, $"The server closed the connection after: {text}");
            received.AddRange(buffer.AsSpan(0, read));
        }
    }
}
