using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// A stand-in telemetry back end on a free loopback port: it accepts every POST (OTLP over HTTP, Azure Monitor's
/// track endpoint), answers 200, and keeps each body (gzip undone) by path.
/// </summary>
public sealed class TelemetryReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

    private TelemetryReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri Url => new(_app.Urls.First() + "/");

    public IReadOnlyList<(string Path, byte[] Body)> Received => [.. _received];

    public static async Task<TelemetryReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TelemetryReceiver(app);
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            receiver._received.Enqueue((request.Path.Value ?? "", copy.ToArray()));
            return Results.Json(new { itemsReceived = 1, itemsAccepted = 1, errors = Array.Empty<object>() });
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Whether a body posted to a path ending in <paramref name="pathSuffix"/> holds <paramref name="text"/> (UTF-8; protobuf keeps strings as they are).</summary>
    public bool Holds(string pathSuffix, string text) =>
        Received.Any(r => r.Path.EndsWith(pathSuffix, StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
