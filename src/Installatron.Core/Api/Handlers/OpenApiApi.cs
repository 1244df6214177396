using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary><c>GET /openapi.json</c>: the OpenAPI 3 document of every route, inside the envelope's <c>data</c>.</summary>
public sealed class OpenApiApi(ApiGuard guard)
{
    private static readonly Lazy<JsonElement> Document = new(Load);

    public Task<ApiResult> GetAsync(HttpRequest request) =>
        guard.RunAsync(request, () => Task.FromResult(ApiResult.Success(Document.Value, "The OpenAPI document of this API.\n")));

    public static JsonElement Load()
    {
        using var stream = typeof(OpenApiApi).Assembly.GetManifestResourceStream("Installatron.Core.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    }
}
