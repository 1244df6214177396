namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// HTTP clients for the API under test: each response they receive is checked against the OpenAPI document
/// (<see cref="OpenApiContract"/>) before the test sees it.
/// </summary>
public static class ApiClient
{
    /// <summary>A client for the API at <paramref name="baseAddress"/> that sends <paramref name="key"/> as X-API-KEY (none when null).</summary>
    public static HttpClient Create(Uri baseAddress, string? key = ApiServer.Key, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new OpenApiValidatingHandler(new SocketsHttpHandler()))
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-KEY", key);
        }

        return client;
    }

    private sealed class OpenApiValidatingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            OpenApiContract.AssertValid(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, body);
            return response;
        }
    }
}
