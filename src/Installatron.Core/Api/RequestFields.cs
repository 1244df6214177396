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
public sealed partial class RequestFields
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
