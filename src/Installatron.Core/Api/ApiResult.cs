using System.Text.Json;
using Installatron.Core.Text;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Installatron.Core.Api;

/// <summary>
/// A response in the seed's envelope. It is both an <see cref="IResult"/> (minimal APIs in the standalone server)
/// and an <see cref="IActionResult"/> (the Functions app's ASP.NET Core integration), so both hosts return the
/// handlers' results unchanged.
/// </summary>
public sealed class ApiResult : IResult, IActionResult
{
    public const string TaskComplete = UpdateOutcome.CompleteMessage;

    private ApiResult(Envelope envelope, IReadOnlyDictionary<string, string>? headers = null)
    {
        // A message quotes what the caller sent; a lone surrogate in it could not be written as JSON at all.
        Envelope = envelope with { Message = UnsafeText.WellFormed(envelope.Message), Errfield = envelope.Errfield is null ? null : UnsafeText.WellFormed(envelope.Errfield) };
        Headers = headers ?? new Dictionary<string, string>();
    }

    public Envelope Envelope { get; }

    /// <summary>The body already serialized, for an answer that never changes (the wrong key's).</summary>
    private byte[]? Body { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public int Status => Envelope.Status;

    public static ApiResult Success(object? data, string message = TaskComplete, int status = 200) =>
        new(new Envelope(true, status, null, null, message, data));

    /// <summary>A success that still carries an errcode, as the seed's <c>complete_dryrun</c>.</summary>
    public static ApiResult SuccessWithCode(string errcode, object? data, string message) =>
        new(new Envelope(true, ErrorStatuses.StatusOf(errcode), errcode, null, message, data));

    public static ApiResult Failure(string errcode, string? errfield, string message, object? data = null) =>
        new(new Envelope(false, ErrorStatuses.StatusOf(errcode), errcode, errfield, message, data));

    public ApiResult WithHeader(string name, string value) =>
        new(Envelope, new Dictionary<string, string>(Headers) { [name] = value });

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Envelope.Status;
        response.ContentType = "application/json; charset=utf-8";
        if (Headers.Count > 0)
        {
            foreach (var (name, value) in Headers)
            {
                response.Headers[name] = value;
            }
        }

        if (Body is { } body)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
            return;
        }

        await JsonSerializer.SerializeAsync(response.Body, Envelope, ApiJson.Options, httpContext.RequestAborted);
    }

    /// <summary>This answer with its body serialized once, to be sent as it is every time.</summary>
    public ApiResult Frozen() => new(Envelope, Headers) { Body = JsonSerializer.SerializeToUtf8Bytes(Envelope, ApiJson.Options) };

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public override string ToString() => JsonSerializer.Serialize(Envelope, ApiJson.Options);
}
