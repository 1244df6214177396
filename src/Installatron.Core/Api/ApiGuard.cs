using Installatron.Core.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Api;

/// <summary>
/// Runs every handler: the API key first (no route is exempt), then the handler, with refusals turned into the
/// seed's envelope and unexpected failures into <c>internal_error</c> (details logged, never sent).
/// </summary>
public sealed partial class ApiGuard(ApiKeyCheck keys, ILogger<ApiGuard> logger)
{
    /// <summary>The same answer for every request without the right key, serialized once: refusing costs no more than it must.</summary>
    private static readonly ApiResult WrongKey = ApiResult.Failure(ErrorCodes.InvalidApiKey, null,
        $"The {ApiKeyCheck.HeaderName} header is missing or does not match the server's Installatron Server key.").Frozen();

    /// <summary>
    /// For a host's first middleware: a request without the right key gets the answer every route would give it, at once
    /// (no routing, no request scope, no handler); <c>null</c> lets the request through to its route, which checks again.
    /// </summary>
    public Task? RefuseWithoutKey(HttpContext context) => keys.IsAuthorized(context.Request) ? null : WrongKey.ExecuteAsync(context);

    public async Task<ApiResult> RunAsync(HttpRequest request, Func<Task<ApiResult>> handler)
    {
        if (!keys.IsAuthorized(request))
        {
            return WrongKey;
        }

        try
        {
            return await handler();
        }
        catch (Refusal refusal)
        {
            return ApiResult.Failure(refusal.Errcode, refusal.Errfield, refusal.Message);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, request.Method, request.Path);
            return ApiResult.Failure(ErrorCodes.InternalError, null,
                $"The server could not complete the request (trace {request.HttpContext.TraceIdentifier}); it has been logged.");
        }
    }

    public Task<ApiResult> RouteNotFoundAsync(HttpRequest request) =>
        RunAsync(request, () => Task.FromResult(ApiResult.Failure(ErrorCodes.RouteNotFound, null,
            $"There is no API route {request.Method} {request.Path}. See GET /openapi.json.")));

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure in {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
