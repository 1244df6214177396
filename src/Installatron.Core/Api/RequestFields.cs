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

/// <summary>
/// The parameters of a request, from its query string and its body (JSON object, form-encoded or multipart; the
/// body wins), read with the seed's types. A missing or unreadable value is refused with
/// <c>invalid_argument_{field}</c> and the field in <c>errfield</c>.
/// </summary>
public sealed class RequestFields
{
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly string[] TrueWords = ["true", "1", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off"];

    private readonly Dictionary<string, FieldValue> _values;

    private RequestFields(Dictionary<string, FieldValue> values, IFormFileCollection? files)
    {
        _values = values;
        Files = files;
    }

    public IFormFileCollection? Files { get; }

    public IEnumerable<string> Names => _values.Keys;

    public static RequestFields FromQuery(HttpRequest request) => Checked(new(QueryValues(request), null));

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

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Refuses the first parameter that is not in <paramref name="known"/>: a typo must not pass as a default.</summary>
    public void RejectUnknown(IReadOnlyCollection<string> known)
    {
        var unknown = _values.Keys.FirstOrDefault(name => !known.Contains(name));
        if (unknown is not null)
        {
            throw new Refusal(ErrorCodes.UnknownArgument, unknown,
                $"Unknown parameter '{unknown}'. Accepted parameters: {string.Join(", ", known)}.");
        }

        foreach (var name in _values.Keys)
        {
            TryGet(name, out _);
        }
    }

    /// <summary>A parameter's value, refused when any string in it is not valid text (lone surrogate, control character, not UTF-8).</summary>
    private bool TryGet(string name, out FieldValue value)
    {
        if (!_values.TryGetValue(name, out value))
        {
            return false;
        }

        return value.FindUnsafeText() is { } problem ? throw Invalid(name, problem) : true;
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.AsString() ?? throw Invalid(name, "must be a string");
    }

    public string RequiredString(string name)
    {
        var value = String(name);
        return string.IsNullOrWhiteSpace(value) ? throw Invalid(name, "is required") : value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        if (!TryGet(name, out var value))
        {
            return defaultValue;
        }

        if (value.Json is { ValueKind: JsonValueKind.True or JsonValueKind.False } json)
        {
            return json.GetBoolean();
        }

        var text = value.Json is { ValueKind: JsonValueKind.Number } number ? number.GetRawText() : value.AsString();
        if (text is not null && TrueWords.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (text is not null && FalseWords.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        throw Invalid(name, "must be a boolean (true or false)");
    }

    public long Long(string name, long defaultValue, long min = 0, long max = long.MaxValue)
    {
        if (!TryGet(name, out var value))
        {
            return defaultValue;
        }

        var text = value.Json is { ValueKind: JsonValueKind.Number } number ? number.GetRawText() : value.AsString();
        return long.TryParse(text, out var result) && result >= min && result <= max
            ? result
            : throw Invalid(name, $"must be a whole number from {min} to {max}");
    }

    public string Enum(string name, IReadOnlyList<string> allowed, string defaultValue)
    {
        var value = String(name);
        if (value is null)
        {
            return defaultValue;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(name, $"must be one of {string.Join(", ", allowed)}");
    }

    /// <summary>An array of strings; <c>null</c> when absent. Form bodies may repeat the key or send a JSON array.</summary>
    public IReadOnlyList<string>? StringList(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.AsStringList() ?? throw Invalid(name, "must be an array of strings");
    }

    /// <summary>A JSON value given as a JSON body member or as a form field holding JSON text.</summary>
    public T? Json<T>(string name)
    {
        if (!TryGet(name, out var value))
        {
            return default;
        }

        try
        {
            return value.Json is { } json ? json.Deserialize<T>(ApiJson.Options) : JsonSerializer.Deserialize<T>(value.Form.ToString(), ApiJson.Options);
        }
        catch (JsonException e)
        {
            throw Invalid(name, $"is not valid: {e.Message}");
        }
    }

    public static Refusal Invalid(string name, string problem) => Refusal.InvalidArgument(name, problem);

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

    private readonly record struct FieldValue(JsonElement? Json, StringValues Form)
    {
        public static FieldValue FromJson(JsonElement json) => new(json, default);

        public static FieldValue FromForm(StringValues form) => new(null, form);

        /// <summary>What is wrong with a string in this value (at any depth of JSON), or <c>null</c>.</summary>
        public string? FindUnsafeText() => Json is { } json
            ? JsonText.FindUnsafe(json)
            : Form.Select(v => v is null ? null : UnsafeText.DescribeText(v)).FirstOrDefault(problem => problem is not null);

        public string? AsString() => Json switch
        {
            { ValueKind: JsonValueKind.String } json => json.GetString(),
            { } => null,
            null => Form.Count == 1 ? Form[0] : null,
        };

        public IReadOnlyList<string>? AsStringList()
        {
            if (Json is { } json)
            {
                return ListFromJson(json);
            }

            if (Form.Count == 1 && Form[0] is { } single)
            {
                if (single.TrimStart().StartsWith('['))
                {
                    try
                    {
                        using var parsed = JsonDocument.Parse(single);
                        return ListFromJson(parsed.RootElement);
                    }
                    catch (JsonException)
                    {
                        return null;
                    }
                }

                return single.Length == 0 ? [] : [single];
            }

            return Form.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        }

        private static List<string>? ListFromJson(JsonElement json)
        {
            if (json.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var list = new List<string>();
            foreach (var item in json.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } text)
                {
                    return null;
                }

                list.Add(text);
            }

            return list;
        }
    }
}
