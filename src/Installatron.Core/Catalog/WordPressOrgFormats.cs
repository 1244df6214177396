using System.Text.Json;
using System.Text.Json.Serialization;

namespace Installatron.Core.Catalog;

/// <summary>How WordPress.org's API writes JSON: snake_case member names.</summary>
internal static class SourceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>
/// <c>core/version-check/1.7/</c>: <c>{"offers": [{"response": "upgrade", "download": "…zip", "locale": "en_US",
/// "packages": {"full": "…zip", "no_content": …, "new_bundled": …, "partial": false, "rollback": false},
/// "current": "6.7.1", "version": "6.7.1", "php_version": "7.2.24", "mysql_version": "5.5.5", "new_bundled": "6.7",
/// "partial_version": false}, …], "translations": []}</c>. Only the fields the sync reads are bound.
/// </summary>
public sealed record VersionCheckAnswer(IReadOnlyList<CoreOffer>? Offers);

/// <summary>One offer of the version check: <c>response</c> is <c>upgrade</c>, <c>autoupdate</c>, <c>latest</c> or <c>development</c>.</summary>
public sealed record CoreOffer(
    string? Response,
    string? Download,
    string? Locale,
    OfferPackages? Packages,
    string? Version,
    [property: JsonConverter(typeof(StringOrFalseConverter))] string? PhpVersion,
    [property: JsonConverter(typeof(StringOrFalseConverter))] string? MysqlVersion)
{
    /// <summary>The full release zip (<c>packages.full</c>, else <c>download</c>).</summary>
    public string? PackageUrl => string.IsNullOrEmpty(Packages?.Full) ? Download : Packages.Full;
}

/// <summary>The offer's package URLs; each is a URL or <c>false</c>.</summary>
public sealed record OfferPackages([property: JsonConverter(typeof(StringOrFalseConverter))] string? Full);

/// <summary>
/// <c>plugins/info/1.2/?action=plugin_information</c> and <c>themes/info/1.2/?action=theme_information</c>:
/// <c>{"name": …, "slug": "akismet", "version": "5.3.5", "requires": "5.8", "tested": "6.7.1",
/// "requires_php": "5.6.20", "download_link": "…/plugin/akismet.5.3.5.zip", …}</c>, or <c>{"error": "Plugin not found."}</c>
/// (<c>"Theme not found"</c> for themes). <c>requires</c> and <c>requires_php</c> may be <c>false</c>.
/// </summary>
public sealed record ComponentInformation(
    string? Slug,
    string? Version,
    [property: JsonConverter(typeof(StringOrFalseConverter))] string? Requires,
    [property: JsonConverter(typeof(StringOrFalseConverter))] string? RequiresPhp,
    string? DownloadLink,
    string? Error);

/// <summary>A WordPress.org field that is a string or <c>false</c> (or a number, read as its text); <c>false</c>/<c>null</c> read as null.</summary>
public sealed class StringOrFalseConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                using (var number = JsonDocument.ParseValue(ref reader))
                {
                    return number.RootElement.GetRawText();
                }

            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteBooleanValue(false);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
