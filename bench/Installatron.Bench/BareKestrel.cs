using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Installatron.Bench;

/// <summary>
/// The floor for bench/api.sh: Kestrel answering every request with a 403 envelope of the same size as the API's
/// wrong-key answer, and nothing else (no key check, one endpoint, no logging). <c>slim</c>: the slim host builder;
/// <c>default</c>: the default one an ASP.NET Core app starts from (the standalone server's).
/// </summary>
public static class BareKestrel
{
    private const string Body = """{"result":false,"status":403,"errcode":"invalid_api_key","errfield":null,"message":"The X-API-KEY header is missing or does not match the server's Installatron Server key.","data":null}""";

    public static async Task<int> RunAsync(int port, bool slim)
    {
        var builder = slim ? WebApplication.CreateSlimBuilder() : WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/{**path}", (HttpContext context) => Results.Text(Body, "application/json", statusCode: 403));
        await app.StartAsync();
        Console.WriteLine($"bare Kestrel listening on {port}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
