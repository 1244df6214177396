using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Installatron.Core.Storage;
using Installatron.Server;
using Installatron.Server.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// The real standalone server on a free loopback port, over the shared Azurite, with tables, task hub, data folder and
/// keys of its own, and the seed's demo data. One per test.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    public const string Key = "test-key-0123456789abcdef";
    public const string Key2 = "test-key2-rotated-0123456789";

    private readonly WebApplication _app;

    private ApiServer(WebApplication app, string dataPath, string prefix)
    {
        _app = app;
        DataPath = dataPath;
        Prefix = prefix;
        BaseAddress = new Uri(app.Urls.First());
        Client = ApiClient.Create(BaseAddress);
    }

    public Uri BaseAddress { get; }

    /// <summary>A client that sends the right key; every response it receives is checked against the OpenAPI document.</summary>
    public HttpClient Client { get; }

    public string DataPath { get; }

    public string Prefix { get; }

    public IServiceProvider Services => _app.Services;

    public string DemoSitePath => Path.Combine(DataPath, "demo", "home", DemoData.User, "public_html", "staging");

    /// <param name="durableTasks">The orchestrations and activities to host instead of the product's.</param>
    /// <param name="settings">More command-line settings (<c>--Name</c>, value, …).</param>
    public static async Task<ApiServer> StartAsync(bool demoData = true, Action<DurableTaskRegistry>? durableTasks = null, string[]? settings = null)
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        var app = await InstallatronServer.BuildAsync(
        [
            "--urls", "http://127.0.0.1:0",
            "--AzureWebJobsStorage", azurite.ConnectionString,
            "--Installatron:Key", Key,
            "--Installatron:Key2", Key2,
            "--Installatron:TablePrefix", prefix,
            "--Installatron:TaskHub", prefix,
            "--Installatron:DataPath", dataPath,
            "--Installatron:DemoData", demoData ? "true" : "false",
            "--Logging:LogLevel:Default", "Warning",
            // No test reaches the public catalog source; a test that syncs names its own local one.
            "--Installatron:CatalogSourceUrl", "",
            .. settings ?? [],
        ], TextWriter.Null, durableTasks ?? InstallatronServer.RegisterDurableTasks);
        await app.StartAsync();
        return new ApiServer(app, dataPath, prefix);
    }

    public async Task<ApiResponse> PostJsonAsync(string path, string json, string? key = Key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await SendAsync(request, key);
    }

    public async Task<ApiResponse> GetAsync(string path, string? key = Key) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), key);

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request, string? key = Key)
    {
        using var client = ApiClient.Create(BaseAddress, key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiResponse((int)response.StatusCode, response.Content.Headers.ContentType, body);
    }

    public async Task<ApiResponse> CreateUserAsync(object user) => await PostJsonAsync("/users", JsonSerializer.Serialize(user));

    /// <summary>Every row (with its ETag) of this server's tables and every blob: equal snapshots mean nothing was stored or changed.</summary>
    public async Task<IReadOnlyList<string>> SnapshotAsync()
    {
        var tables = Services.GetRequiredService<InstallatronTables>();
        await tables.EnsureCreatedAsync();
        var rows = new List<string>();
        foreach (var table in tables.AllTables)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                rows.Add($"{table.Name}/{entity.PartitionKey}/{entity.RowKey}/{entity.ETag}");
            }
        }

        await foreach (var blob in tables.Packages.GetBlobsAsync())
        {
            rows.Add($"{tables.Packages.Name}/{blob.Name}/{blob.Properties.ETag}");
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}

/// <summary>An HTTP response of the API, with its envelope parsed.</summary>
public sealed record ApiResponse(int HttpStatus, MediaTypeHeaderValue? ContentType, string Body)
{
    private JsonElement? _root;

    public JsonElement Root => _root ??= JsonDocument.Parse(Body).RootElement.Clone();

    public bool Result => Root.GetProperty("result").GetBoolean();

    public int Status => Root.GetProperty("status").GetInt32();

    public string? Errcode => Root.GetProperty("errcode").GetString();

    public string? Errfield => Root.GetProperty("errfield").GetString();

    public string Message => Root.GetProperty("message").GetString()!;

    public JsonElement Data => Root.GetProperty("data");

    /// <summary>Asserts the seed's envelope: HTTP status = <c>status</c>, the errcode, the errfield, and a message.</summary>
    public ApiResponse AssertEnvelope(int status, string? errcode, string? errfield = null)
    {
        Assert.True(HttpStatus == status, $"Expected HTTP {status} ({errcode}), got {HttpStatus}: {Body}");
        Assert.Equal("application/json", ContentType?.MediaType);
        Assert.Equal(["result", "status", "errcode", "errfield", "message", "data"], Root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(status, Status);
        Assert.Equal(status is 200 or 201 or 202, Result);
        Assert.Equal(errcode, Errcode);
        Assert.Equal(errfield, Errfield);
        Assert.False(string.IsNullOrWhiteSpace(Message));
        return this;
    }
}
