using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Installatron.Bench.Fleet;

/// <summary>
/// A counting HTTP proxy in front of Azurite's table service: the server under test talks to its tables through it, so
/// every table operation (a batch counts once) is counted, by table name.
/// </summary>
public sealed class TableCounter : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly HttpClient _forward;

    private TableCounter(WebApplication app, HttpClient forward, int port)
    {
        _app = app;
        _forward = forward;
        Port = port;
    }

    public int Port { get; }

    public static async Task<TableCounter> StartAsync(int port, int tablePort)
    {
        var forward = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{tablePort}"),
            Timeout = TimeSpan.FromMinutes(5),
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        TableCounter? counter = null;
        app.Run(async context => await counter!.ForwardAsync(context));
        counter = new TableCounter(app, forward, port);
        await app.StartAsync();
        return counter;
    }

    /// <summary>Operations per table since the last reset.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forward.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        _counts.AddOrUpdate(TableOf(request.Path.Value ?? ""), 1, (_, n) => n + 1);
        using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
        }

        outgoing.Headers.Host = request.Host.Value;
        using var response = await _forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    /// <summary><c>/devstoreaccount1/installs(PartitionKey='x',RowKey='y')</c> → <c>installs</c>; <c>$batch</c> and <c>Tables</c> as they are.</summary>
    private static string TableOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = parts.Length > 1 ? parts[1] : parts.FirstOrDefault() ?? "";
        var end = name.IndexOfAny(['(', '?']);
        return end < 0 ? name : name[..end];
    }
}
