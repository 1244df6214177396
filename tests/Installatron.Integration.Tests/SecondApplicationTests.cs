using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

/// <summary>
/// A second application with no code of its own: a static site whose recipe is stored over HTTP. Its packages are
/// checked at publish, its version read from the site at import, its user content kept, its maintenance marker
/// used, its health judged by its own pages — all from the recipe — and a broken release is reverted byte-identical.
/// </summary>
public sealed class SecondApplicationTests
{
    private const string App = "static-site";

    private const string Recipe = """
        {
          "preserved_paths": ["uploads", "config.json"],
          "maintenance_file": "maintenance.html",
          "maintenance_content": "<p>Back soon ({unixtime})</p>",
          "package_holds": ["index.html", "VERSION"],
          "version": {"file": "VERSION", "pattern": "^(?<version>[0-9][0-9.]*)"},
          "health_paths": ["", "about.html"],
          "fatal_markers": ["Site is broken"]
        }
        """;

    [Fact]
    public async Task StaticSite_RecipeOnly_ImportedUpdatedAndRevertedByItsRecipe()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync($"/browser/{App}/recipe", Recipe)).AssertEnvelope(200, null);
        (await PublishAsync(server, "1.0.0", Release("1.0.0", "About us", ("old.html", "<p>old</p>")))).AssertEnvelope(201, null);
        (await PublishAsync(server, "1.1.0", Release("1.1.0", "About us, renewed", ("new.html", "<p>new</p>")), root: "static-site-1.1.0/")).AssertEnvelope(201, null);

        var site = Path.Combine(server.DataPath, "demo", "home", DemoData.User, "public_html", "static");
        WriteTree(site, Release("1.0.0", "About us", ("old.html", "<p>old</p>"), ("notes.html", "<p>the owner's own page</p>"),
            ("uploads/photo.jpg", "JPEG"), ("config.json", "{\"title\": \"mine\"}")));
        await using var web = await PhpServer.StartAsync(site);
        (await server.PostJsonAsync($"/users/{DemoData.User}", """{"vhosts": ["website.com", "127.0.0.1"]}""")).AssertEnvelope(200, null);

        // Import without a version: the recipe says where the site writes it.
        var imported = (await server.PostJsonAsync("/installs",
            $$"""{"user": "{{DemoData.User}}", "application": "{{App}}", "path": "{{site}}", "url": "{{web.Url}}"}""")).AssertEnvelope(201, null).Data;
        Assert.Equal("1.0.0", imported.GetProperty("version").GetString());
        var id = imported.GetProperty("id").GetString()!;
        var userContent = SiteFiles.Hash(Path.Combine(site, "uploads")) + File.ReadAllText(Path.Combine(site, "config.json"));

        var updated = (await server.PostJsonAsync($"/installs/{id}/update", """{"revert": true}""")).AssertEnvelope(200, null).Data;

        Assert.Equal("1.1.0", updated.GetProperty("version").GetString());
        Assert.Equal("1.1.0\n", File.ReadAllText(Path.Combine(site, "VERSION")));
        Assert.True(File.Exists(Path.Combine(site, "new.html")));
        Assert.False(File.Exists(Path.Combine(site, "old.html"))); // shipped by 1.0.0, not by 1.1.0
        Assert.True(File.Exists(Path.Combine(site, "notes.html"))); // never shipped: the owner's
        Assert.False(Directory.Exists(Path.Combine(site, "static-site-1.1.0")));
        Assert.False(File.Exists(Path.Combine(site, "maintenance.html")));
        Assert.Equal(userContent, SiteFiles.Hash(Path.Combine(site, "uploads")) + File.ReadAllText(Path.Combine(site, "config.json")));
        using var http = new HttpClient();
        Assert.Contains("About us, renewed", await http.GetStringAsync(web.Url + "/about.html"));

        // A release that breaks a page the recipe checks: reverted, the tree as it was.
        (await PublishAsync(server, "1.2.0", Release("1.2.0", "Site is broken"))).AssertEnvelope(201, null);
        var before = SiteFiles.Hash(site);
        var failed = (await server.PostJsonAsync($"/installs/{id}/update", """{"revert": true}""")).AssertEnvelope(500, ErrorCodes.FailedHealthCheck);
        Assert.Equal("reverted", failed.Data.GetProperty("status").GetString());
        Assert.Equal(before, SiteFiles.Hash(site));
    }

    [Fact]
    public async Task StaticSite_PackagesThatDoNotFitTheRecipe_RefusedAtPublish()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync($"/browser/{App}/recipe", Recipe)).AssertEnvelope(200, null);

        var mislabelled = (await PublishAsync(server, "2.0.0", Release("1.9.0", "x"))).AssertEnvelope(400, "invalid_argument_package", "package");
        Assert.Contains("1.9.0", mislabelled.Message);
        var incomplete = (await PublishAsync(server, "2.0.0", [("VERSION", "2.0.0\n"), ("about.html", "x")])).AssertEnvelope(400, "invalid_argument_package", "package");
        Assert.Contains("index.html", incomplete.Message);
    }

    [Theory]
    [InlineData("""{"preserved_paths": ["../etc"]}""", "invalid_argument_preserved_paths", "preserved_paths")]
    [InlineData("""{"version": {"file": "VERSION", "pattern": "^[0-9.]+"}}""", "invalid_argument_version", "version")]
    [InlineData("""{"maintenance_file": "/tmp/x"}""", "invalid_argument_maintenance_file", "maintenance_file")]
    [InlineData("""{"database": {"options_table": "x; DROP", "option_name": "a", "option_value": "b"}}""", "invalid_argument_database", "database")]
    [InlineData("""{"shell": "rm -rf /"}""", "invalid_argument_unknown", "shell")]
    public async Task SetRecipe_Unsafe_RefusedAndNothingStored(string body, string errcode, string errfield)
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        (await server.PostJsonAsync($"/browser/{App}/recipe", body)).AssertEnvelope(400, errcode, errfield);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    private static (string Path, string Content)[] Release(string version, string about, params (string Path, string Content)[] more) =>
    [
        ("index.html", $"<h1>Static site</h1><p>version {version}</p>"),
        ("about.html", $"<p>{about}</p>"),
        ("VERSION", version + "\n"),
        .. more,
    ];

    private static void WriteTree(string root, IEnumerable<(string Path, string Content)> files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }

    private static async Task<ApiResponse> PublishAsync(ApiServer server, string version, (string Path, string Content)[] files, string root = "")
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                await using var entry = archive.CreateEntry(root + path).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(content));
            }
        }

        using var form = new MultipartFormDataContent { { new StringContent(version), "version" } };
        var package = new ByteArrayContent(zip.ToArray());
        package.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(package, "package", "package.zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/browser/{App}/versions") { Content = form };
        return await server.SendAsync(request);
    }
}
