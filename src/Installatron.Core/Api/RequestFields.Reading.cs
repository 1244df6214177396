using System.Text;
using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Core.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Installatron.Core.Api;

/// <summary>Reading a request into its fields: the query, and a body of any kind within its limit.</summary>
public sealed partial class RequestFields
{
    /// <summary>The query and the body; a body (of any kind) over <paramref name="maxBodyBytes"/> is refused.</summary>
    public static async Task<RequestFields> ReadAsync(HttpRequest request, CancellationToken cancellationToken, long maxBodyBytes = MaxBodyBytes)
    {
        var values = QueryValues(request);
        IFormFileCollection? files = null;
        if (request.ContentLength > maxBodyBytes)
        {
            throw TooLarge(maxBodyBytes);
        }

        // The web server's own limit follows this route's (larger for a package, smaller for everything else).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = maxBodyBytes;
        }

        if (IsFormData(request))
        {
            IFormCollection form;
            request.Body = new LimitedReadStream(request.Body, maxBodyBytes);
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBodyBytes }, cancellationToken);
            }
            catch (LimitExceededException)
            {
                throw TooLarge(maxBodyBytes);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or InvalidOperationException)
            {
                throw new Refusal(ErrorCodes.InvalidRequestBody, null, $"The form body could not be read: {UnsafeText.Show(e.Message)}");
            }

            foreach (var (key, value) in form)
            {
                values[NormalizeFormKey(key)] = FieldValue.FromForm(value);
            }

            files = form.Files;
        }
        else if (request.ContentType is { } type && type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            throw new Refusal(ErrorCodes.InvalidRequestBody, null,
                $"The content type '{UnsafeText.Show(type)}' is not read; send application/json, application/x-www-form-urlencoded or multipart/form-data.");
        }
        else
        {
            var body = await ReadBodyAsync(request, maxBodyBytes, cancellationToken);
            // curl -d sends JSON as form-encoded unless told otherwise: a body that is a JSON object is read as JSON.
            var fromBody = IsJsonText(body) || !request.HasFormContentType ? ParseJsonObject(body) : ParseFormEncoded(body);
            foreach (var (key, value) in fromBody)
            {
                values[key] = value;
            }
        }

        return Checked(new RequestFields(values, files));
    }

    private static Dictionary<string, FieldValue> QueryValues(HttpRequest request)
    {
        var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            values[NormalizeFormKey(key)] = FieldValue.FromForm(value);
        }

        return values;
    }

    private static string NormalizeFormKey(string key) => key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2] : key;

    /// <summary>Only <c>multipart/form-data</c> is a form; <c>multipart/mixed</c> and the like are not.</summary>
    private static bool IsFormData(HttpRequest request) =>
        request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
        && string.Equals(media.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase);

    private static Refusal TooLarge(long maxBodyBytes) =>
        new(ErrorCodes.InvalidRequestBody, null, $"The request body is larger than {maxBodyBytes} bytes.");

    /// <summary>
    /// Every name must be a plain name: nothing that cannot be stored or shown goes further. Values are checked when
    /// they are read (<see cref="TryGet"/>) or when the route names its parameters (<see cref="RejectUnknown"/>), so an
    /// unknown parameter is reported as unknown whatever its value holds.
    /// </summary>
    private static RequestFields Checked(RequestFields fields)
    {
        foreach (var (name, value) in fields._values)
        {
            if (UnsafeText.Describe(name) is { } badName)
            {
                throw new Refusal(ErrorCodes.InvalidRequestBody, null, $"A parameter name {badName}: '{UnsafeText.Show(name)}'.");
            }

        }

        return fields;
    }

    private static bool IsJsonText(byte[] body) =>
        body.FirstOrDefault(b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) == (byte)'{';

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBodyBytes)
                {
                    throw TooLarge(maxBodyBytes);
                }
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException || (e is IOException && !cancellationToken.IsCancellationRequested))
        {
            // Malformed framing (a broken chunk, a body shorter than its Content-Length) surfaces here, not in routing.
            throw new Refusal(ErrorCodes.InvalidRequestBody, null, $"The request body could not be read: {UnsafeText.Show(e.Message)}");
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, FieldValue> ParseFormEncoded(byte[] body)
    {
        var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            values[NormalizeFormKey(key)] = FieldValue.FromForm(value);
        }

        return values;
    }

    private static Dictionary<string, FieldValue> ParseJsonObject(byte[] body)
    {
        var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        if (body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return values;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new Refusal(ErrorCodes.InvalidRequestBody, null,
                $"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new Refusal(ErrorCodes.InvalidRequestBody, null, "The request body must be a JSON object.");
            }

            // A JSON null means "not given": the parameter takes its default.
            foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
            {
                if (!JsonText.TryName(property, out var name))
                {
                    throw new Refusal(ErrorCodes.InvalidRequestBody, null, "A parameter name in the body is not valid UTF-8 text.");
                }

                values[name] = FieldValue.FromJson(property.Value.Clone());
            }
        }

        return values;
    }
}
