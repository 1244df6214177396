using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Installatron.Core.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// A local stand-in for WordPress.org's API and download server, on a free loopback port, answering in exactly the
/// public formats: core version check 1.7, stable check 1.0, core checksums 1.0, plugin and theme information 1.2,
/// release zips (core under <c>wordpress/</c>, plugins and themes under their slug) with their <c>.sha1</c>, and plugin
/// checksums. Counts every request; can fail a path once, or run a callback when a path is asked for.
/// </summary>
public sealed class WordPressOrgServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly ConcurrentDictionary<string, int> _failOnce = new();

    private WordPressOrgServer(WebApplication app) => _app = app;

    /// <summary>What Installatron__CatalogSourceUrl is set to.</summary>
    public string BaseUrl { get; private set; } = "";

    public List<FixtureRelease> CoreReleases { get; } = [];

    public Dictionary<string, FixtureRelease> Plugins { get; } = [];

    public Dictionary<string, FixtureRelease> Themes { get; } = [];

    /// <summary>Called with each request's path before it is answered (a test can cancel a sync from here).</summary>
    public Action<string>? OnRequest { get; set; }

    public static async Task<WordPressOrgServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new WordPressOrgServer(app);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First() + "/";
        return server;
    }

    /// <summary>How many times a path (e.g. <c>/release/wordpress-6.8.1.zip</c>) was asked for.</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>The next request for <paramref name="path"/> answers 500.</summary>
    public void FailOnce(string path) => _failOnce[path] = 1;

    public string CoreZipPath(string version) => $"/release/wordpress-{version}.zip";

    public byte[] CoreZip(string version) => WordPressReleases.Zip("wordpress/", Core(version).Shipped);

    public byte[] PluginZip(string slug) => WordPressReleases.Zip(slug + "/", Plugins[slug].Shipped);

    public byte[] ThemeZip(string slug) => WordPressReleases.Zip(slug + "/", Themes[slug].Shipped);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        OnRequest?.Invoke(path);
        if (_failOnce.TryRemove(path, out _))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("<html><body>500 Internal Server Error</body></html>");
            return;
        }

        var query = context.Request.Query;
        object? json = path switch
        {
            "/core/version-check/1.7/" => VersionCheck(query["version"].FirstOrDefault()),
            "/core/stable-check/1.0/" => CoreReleases.ToDictionary(r => r.Version, r => r.Insecure ? "insecure" : r.Version == Latest().Version ? "latest" : "outdated"),
            "/core/checksums/1.0/" => new Dictionary<string, object>
            {
                ["checksums"] = CoreReleases.FirstOrDefault(r => r.Version == query["version"] && query["locale"] == "en_US") is { } release
                    ? release.Files.ToDictionary(f => f.Key, f => FixtureRelease.Md5(f.Value))
                    : false,
            },
            _ => null,
        };
        if (json is not null)
        {
            await WriteJsonAsync(context, 200, json);
            return;
        }

        if (path == "/plugins/info/1.2/" && query["action"] == "plugin_information")
        {
            var slug = query["request[slug]"].ToString();
            await (Plugins.ContainsKey(slug)
                ? WriteJsonAsync(context, 200, Information(slug, Plugins[slug], "plugin"))
                : WriteJsonAsync(context, 404, new { error = "Plugin not found." }));
            return;
        }

        if (path == "/themes/info/1.2/" && query["action"] == "theme_information")
        {
            var slug = query["request[slug]"].ToString();
            await WriteJsonAsync(context, 200, Themes.ContainsKey(slug) ? Information(slug, Themes[slug], "theme") : new { error = "Theme not found" });
            return;
        }

        if (Download(path) is { } zip)
        {
            context.Response.ContentType = "application/zip";
            await context.Response.Body.WriteAsync(zip);
            return;
        }

        if (path.EndsWith(".zip.sha1", StringComparison.Ordinal) && Download(path[..^5]) is { } hashed)
        {
            var release = ReleaseAt(path[..^5]);
            await context.Response.WriteAsync(release?.PublishedSha1 ?? Convert.ToHexStringLower(SHA1.HashData(hashed)));
            return;
        }

        if (path.StartsWith("/plugin-checksums/", StringComparison.Ordinal) && path.Split('/') is [_, _, var plugin, var file]
            && Plugins.TryGetValue(plugin, out var published) && file == published.Version + ".json")
        {
            await WriteJsonAsync(context, 200, PluginChecksums(plugin, published));
            return;
        }

        context.Response.StatusCode = 404;
        await context.Response.WriteAsync("<html><body>404 Not Found</body></html>");
    }

    /// <summary>The offers WordPress.org makes to a site on <paramref name="version"/>: the newest release, and the newest of the site's branch.</summary>
    private object VersionCheck(string? version)
    {
        var latest = Latest();
        var offers = new List<object> { Offer(latest, AppVersion.TryParse(version, out var v) && v.Equals(AppVersion.Parse(latest.Version)) ? "latest" : "upgrade") };
        if (v is not null && CoreReleases.Where(r => !r.Insecure && AppVersion.Parse(r.Version).DefaultBranch == v.DefaultBranch && AppVersion.Parse(r.Version) > v)
                .MaxBy(r => AppVersion.Parse(r.Version)) is { } branchNewest && branchNewest != latest)
        {
            offers.Add(Offer(branchNewest, "autoupdate"));
        }

        return new Dictionary<string, object> { ["offers"] = offers, ["translations"] = Array.Empty<object>() };
    }

    private Dictionary<string, object> Offer(FixtureRelease release, string response)
    {
        var zip = BaseUrl.TrimEnd('/') + CoreZipPath(release.Version);
        var offer = new Dictionary<string, object>
        {
            ["response"] = response,
            ["download"] = zip,
            ["locale"] = "en_US",
            ["packages"] = new Dictionary<string, object>
            {
                ["full"] = zip,
                ["no_content"] = zip.Replace(".zip", "-no-content.zip", StringComparison.Ordinal),
                ["new_bundled"] = zip.Replace(".zip", "-new-bundled.zip", StringComparison.Ordinal),
                ["partial"] = false,
                ["rollback"] = false,
            },
            ["current"] = release.Version,
            ["version"] = release.Version,
            ["php_version"] = release.PhpMin,
            ["mysql_version"] = release.MysqlMin,
            ["new_bundled"] = AppVersion.Parse(release.Version).DefaultBranch,
            ["partial_version"] = false,
        };
        if (response == "autoupdate")
        {
            offer["new_files"] = true;
        }

        return offer;
    }

    private Dictionary<string, object> Information(string slug, FixtureRelease release, string kind)
    {
        var zip = $"{BaseUrl}{kind}/{slug}.{release.Version}.zip";
        return new Dictionary<string, object>
        {
            ["name"] = slug,
            ["slug"] = slug,
            ["version"] = release.Version,
            ["author"] = "<a href=\"https://automattic.com/\">Automattic</a>",
            ["requires"] = "5.8",
            ["tested"] = "6.8.1",
            // WordPress.org sends false when a plugin declares no PHP minimum.
            ["requires_php"] = release.PhpMin.Length > 0 ? release.PhpMin : false,
            ["requires_plugins"] = Array.Empty<string>(),
            ["rating"] = 92,
            ["last_updated"] = "2025-04-15 12:00pm GMT",
            ["homepage"] = $"https://example.org/{slug}/",
            ["sections"] = new Dictionary<string, string> { ["description"] = $"<p>{slug}</p>" },
            ["download_link"] = zip,
            ["versions"] = new Dictionary<string, string> { [release.Version] = zip, ["trunk"] = $"{BaseUrl}{kind}/{slug}.zip" },
        };
    }

    private Dictionary<string, object> PluginChecksums(string slug, FixtureRelease release) => new()
    {
        ["plugin"] = slug,
        ["version"] = release.Version,
        ["source"] = $"{BaseUrl}svn/{slug}/tags/{release.Version}/",
        ["zip"] = $"{BaseUrl}plugin/{slug}.{release.Version}.zip",
        // A value may be one checksum or a list of them; readme.txt drifts from the tag in the real world.
        ["files"] = release.Files.ToDictionary(f => f.Key, f => (object)new Dictionary<string, object>
        {
            ["md5"] = FixtureRelease.Md5(f.Value),
            ["sha256"] = f.Key == "readme.txt" ? new[] { FixtureRelease.Sha256(f.Value), FixtureRelease.Sha256(f.Value + "\n") } : FixtureRelease.Sha256(f.Value),
        }),
    };

    private byte[]? Download(string path) =>
        CoreReleases.FirstOrDefault(r => CoreZipPath(r.Version) == path) is { } core ? CoreZip(core.Version)
        : Plugins.FirstOrDefault(p => path == $"/plugin/{p.Key}.{p.Value.Version}.zip") is { Value: not null } plugin ? PluginZip(plugin.Key)
        : Themes.FirstOrDefault(t => path == $"/theme/{t.Key}.{t.Value.Version}.zip") is { Value: not null } theme ? ThemeZip(theme.Key)
        : null;

    private FixtureRelease? ReleaseAt(string zipPath) =>
        CoreReleases.FirstOrDefault(r => CoreZipPath(r.Version) == zipPath)
        ?? Plugins.FirstOrDefault(p => zipPath == $"/plugin/{p.Key}.{p.Value.Version}.zip").Value
        ?? Themes.FirstOrDefault(t => zipPath == $"/theme/{t.Key}.{t.Value.Version}.zip").Value;

    private FixtureRelease Core(string version) => CoreReleases.Single(r => r.Version == version);

    private FixtureRelease Latest() => CoreReleases.Where(r => !r.Insecure).MaxBy(r => AppVersion.Parse(r.Version))!;

    private static async Task WriteJsonAsync(HttpContext context, int status, object value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value);
    }
}
