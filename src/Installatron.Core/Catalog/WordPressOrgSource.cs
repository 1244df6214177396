using System.Net;
using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Catalog;

/// <summary>The catalog source failed to answer, or answered something that is not its format.</summary>
public sealed class CatalogSourceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The checksums of one file of a plugin release: each list holds every accepted value.</summary>
public sealed record FileHashes(IReadOnlyList<string> Md5, IReadOnlyList<string> Sha256);

/// <summary>
/// A catalog source speaking WordPress.org's public API formats, rooted at <c>Installatron:CatalogSourceUrl</c>:
/// core version check 1.7, stable check 1.0, core checksums 1.0, plugin and theme information 1.2; release zips, their
/// <c>.sha1</c> files and plugin checksums are fetched from the URLs (and the host) the API gives.
/// </summary>
public sealed class WordPressOrgSource(IHttpClientFactory httpClients, IOptions<InstallatronOptions> options)
{
    public const string ClientName = "CatalogSource";
    public const string Locale = "en_US";

    /// <summary>False when <c>Installatron:CatalogSourceUrl</c> is empty: the sync is off.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(options.Value.CatalogSourceUrl);

    /// <summary>The configured base URL, ending in '/', so the API's paths are appended to it.</summary>
    public Uri BaseUri
    {
        get
        {
            var text = options.Value.CatalogSourceUrl.Trim();
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                throw new Refusal(ErrorCodes.FailedCatalogSource, null,
                    $"Installatron__CatalogSourceUrl '{text}' is not an absolute http(s) URL.");
            }

            return uri;
        }
    }

    /// <summary>The version check's offers for a site on <paramref name="installedVersion"/> (none: the newest release only).</summary>
    public async Task<IReadOnlyList<CoreOffer>> CoreOffersAsync(string? installedVersion, CancellationToken cancellationToken)
    {
        var query = installedVersion is null ? $"?locale={Locale}" : $"?version={Uri.EscapeDataString(installedVersion)}&locale={Locale}";
        var answer = await GetJsonAsync<VersionCheckAnswer>(Api("core/version-check/1.7/" + query), cancellationToken);
        return answer?.Offers ?? throw Malformed("core/version-check/1.7", "no offers");
    }

    /// <summary>The stable check: every release with <c>latest</c>, <c>outdated</c> or <c>insecure</c>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StableCheckAsync(CancellationToken cancellationToken) =>
        await GetJsonAsync<Dictionary<string, string>>(Api("core/stable-check/1.0/"), cancellationToken)
        ?? throw Malformed("core/stable-check/1.0", "not an object");

    /// <summary>The md5 of every file of a core release (paths relative to the site), or null when the source has none.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> CoreChecksumsAsync(string version, CancellationToken cancellationToken)
    {
        var uri = Api($"core/checksums/1.0/?version={Uri.EscapeDataString(version)}&locale={Locale}");
        using var document = await GetDocumentAsync(uri, cancellationToken);
        if (document is null || !document.RootElement.TryGetProperty("checksums", out var checksums) || checksums.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in checksums.EnumerateObject())
        {
            files[file.Name] = file.Value.ValueKind == JsonValueKind.String
                ? file.Value.GetString()!.ToLowerInvariant()
                : throw Malformed("core/checksums/1.0", $"the checksum of '{file.Name}' is not a string");
        }

        return files;
    }

    /// <summary>A plugin's information (<c>plugins/info/1.2</c>), or null when the source does not know the slug.</summary>
    public Task<ComponentInformation?> PluginAsync(string slug, CancellationToken cancellationToken) =>
        ComponentAsync($"plugins/info/1.2/?action=plugin_information&request[slug]={Uri.EscapeDataString(slug)}", cancellationToken);

    /// <summary>A theme's information (<c>themes/info/1.2</c>), or null when the source does not know the slug.</summary>
    public Task<ComponentInformation?> ThemeAsync(string slug, CancellationToken cancellationToken) =>
        ComponentAsync($"themes/info/1.2/?action=theme_information&request[slug]={Uri.EscapeDataString(slug)}", cancellationToken);

    /// <summary>
    /// A plugin release's per-file checksums, from <c>/plugin-checksums/{slug}/{version}.json</c> on the host that serves
    /// its zip (<c>{"files": {"akismet.php": {"md5": "…", "sha256": "…"}}}</c>; a value may be a list); null if none.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, FileHashes>?> PluginChecksumsAsync(Uri zip, string slug, string version, CancellationToken cancellationToken)
    {
        var uri = new Uri(zip, $"/plugin-checksums/{Uri.EscapeDataString(slug)}/{Uri.EscapeDataString(version)}.json");
        using var document = await GetDocumentAsync(uri, cancellationToken);
        if (document is null || !document.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return files.EnumerateObject().ToDictionary(f => f.Name, f => new FileHashes(Values(f.Value, "md5"), Values(f.Value, "sha256")), StringComparer.Ordinal);
    }

    /// <summary>
    /// The SHA-1 the download server publishes beside a zip (<c>{zip}.sha1</c>), or null when it publishes none. Anyone
    /// who could forge the zip could forge this file too, so a missing one weakens nothing the per-file checksums check.
    /// </summary>
    public async Task<string?> ZipSha1Async(Uri zip, CancellationToken cancellationToken)
    {
        var sha1 = new UriBuilder(zip) { Path = zip.AbsolutePath + ".sha1" }.Uri;
        using var response = await SendAsync(sha1, cancellationToken);
        if (response is null)
        {
            return null;
        }

        // The hash alone, or "hash  file name" as sha1sum writes it; anything else (an error page) is no published SHA-1.
        var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim().Split((char[]?)null, 2)[0].ToLowerInvariant();
        return text.Length == 40 && text.All(Uri.IsHexDigit) ? text : null;
    }

    /// <summary>Streams a release zip into <paramref name="path"/> (at most <paramref name="maxBytes"/>); returns its size.</summary>
    public async Task<long> DownloadAsync(Uri zip, string path, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(zip, cancellationToken) ?? throw new CatalogSourceException($"{zip} answered 404 Not Found.");
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new CatalogSourceException($"{zip} is {response.Content.Headers.ContentLength} bytes, over the {maxBytes}-byte limit of a package.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var file = File.Create(path);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            size += read;
            if (size > maxBytes)
            {
                throw new CatalogSourceException($"{zip} is over the {maxBytes}-byte limit of a package.");
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return size;
    }

    /// <summary>
    /// A download URL the API gave, checked: absolute http(s), and https whenever the source itself is https (never a
    /// downgrade to plain http).
    /// </summary>
    public Uri DownloadUri(string? url, string what)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || (uri.Scheme == "http" && BaseUri.Scheme == "https"))
        {
            throw new CatalogSourceException($"The source gives no usable download URL for {what} ('{url}').");
        }

        return uri;
    }

    private async Task<ComponentInformation?> ComponentAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var info = await GetJsonAsync<ComponentInformation>(Api(pathAndQuery), cancellationToken);
        return info is null || info.Error is not null || string.IsNullOrEmpty(info.Version) ? null : info;
    }

    private Uri Api(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>GET and parse JSON; null for a 404 (WordPress.org answers an unknown plugin with 404 and an <c>error</c> body).</summary>
    private async Task<T?> GetJsonAsync<T>(Uri uri, CancellationToken cancellationToken)
    {
        using var document = await GetDocumentAsync(uri, cancellationToken, notFoundBody: true);
        try
        {
            return document is null ? default : document.Deserialize<T>(SourceJson.Options);
        }
        catch (JsonException e)
        {
            throw Malformed(uri.ToString(), e.Message);
        }
    }

    private async Task<JsonDocument?> GetDocumentAsync(Uri uri, CancellationToken cancellationToken, bool notFoundBody = false)
    {
        using var response = await SendAsync(uri, cancellationToken, notFoundBody);
        if (response is null)
        {
            return null;
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw Malformed(uri.ToString(), $"not JSON ({e.Message})");
        }
    }

    /// <summary>A successful response, or null for 404 (with <paramref name="notFoundBody"/>: the 404 itself, for its body).</summary>
    private async Task<HttpResponseMessage?> SendAsync(Uri uri, CancellationToken cancellationToken, bool notFoundBody = false)
    {
        var client = httpClients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CatalogSourceException($"{uri.GetLeftPart(UriPartial.Path)} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CatalogSourceException($"{uri.GetLeftPart(UriPartial.Path)} did not answer in time.", e);
        }

        if (response.IsSuccessStatusCode || (notFoundBody && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        response.Dispose();
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : throw new CatalogSourceException($"{uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    private static IReadOnlyList<string> Values(JsonElement file, string name) =>
        !file.TryGetProperty(name, out var value) ? []
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!.ToLowerInvariant()]
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!.ToLowerInvariant()).ToList()
        : [];

    private static CatalogSourceException Malformed(string what, string problem) =>
        new($"The catalog source's answer to {what} is not in WordPress.org's format: {problem}.");
}
