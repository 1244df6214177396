using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Integration.Tests;

public sealed class PublishTests
{
    [Fact]
    public async Task Publish_WordPressOrgLayout_StoredWithHashLayoutAndListed()
    {
        await using var server = await ApiServer.StartAsync();
        var package = WordPressZip("6.8.0", "wordpress/");
        var response = await PublishAsync(server, "6.8.0", """[{"from": "6.7.*", "mode": "auto"}]""", """{"php_min": "8.1"}""", package);
        var data = response.AssertEnvelope(201, null).Data;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(package)), data.GetProperty("package").GetProperty("sha256").GetString());
        Assert.Equal(4, data.GetProperty("package").GetProperty("entries").GetInt64());
        var layout = data.GetProperty("package").GetProperty("layout");
        Assert.Equal(("core", "wordpress/", "wordpress/wp-includes/version.php", "6.8.0", "58975"), (layout.GetProperty("kind").GetString(),
            layout.GetProperty("root").GetString(), layout.GetProperty("version_file").GetString(), layout.GetProperty("version").GetString(),
            layout.GetProperty("db_version").GetString()));
        Assert.Equal("6.8", data.GetProperty("branch").GetString());

        var browser = (await server.GetAsync("/browser/wordpress?from=6.7.2")).AssertEnvelope(200, null).Data;
        var published = browser.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "6.8.0");
        Assert.Equal("auto", published.GetProperty("upgrade_from").GetString());
        Assert.Equal("none", (await server.GetAsync("/browser/wordpress?from=6.6.0")).Data.GetProperty("versions").EnumerateArray()
            .Single(v => v.GetProperty("version").GetString() == "6.8.0").GetProperty("upgrade_from").GetString());
    }

    [Fact]
    public async Task Publish_VersionFileSaysAnotherVersion_RefusedSayingWhatAndWhere()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();

        var response = (await PublishAsync(server, "6.8.1", "[]", "{}", WordPressZip("6.8.0", "wordpress/")))
            .AssertEnvelope(400, "invalid_argument_package", "package");

        Assert.Equal("The wordpress 6.8.1 package says it is version 6.8.0 ('wordpress/wp-includes/version.php'); publish it as 6.8.0 or fix the package.", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Publish_NotWordPressCore_RefusedListingWhatItHolds()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();

        var response = (await PublishAsync(server, "6.9.0", "[]", "{}", Zip(("index.php", "<?php"), ("src/app.php", "<?php"))))
            .AssertEnvelope(400, "invalid_argument_package", "package");

        Assert.Equal("The wordpress 6.9.0 package holds no wp-includes/version.php, so it is not WordPress core; its top level holds 'index.php', 'src/'.", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Publish_PluginZipRootedAtItsSlug_StoredWithItsRoot()
    {
        await using var server = await ApiServer.StartAsync();
        var package = Zip(("akismet/akismet.php", "<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.4\n*/"), ("akismet/readme.txt", "Stable tag: 5.4"));

        var data = (await PublishAsync(server, "5.4", "[]", "{}", package, "wp-plugin-akismet")).AssertEnvelope(201, null).Data;

        Assert.Equal("akismet/", data.GetProperty("package").GetProperty("layout").GetProperty("root").GetString());
        Assert.Equal("akismet/akismet.php", data.GetProperty("package").GetProperty("layout").GetProperty("version_file").GetString());
    }

    [Fact]
    public async Task Publish_PluginZipWithoutItsFolder_RefusedSayingWhatItHolds()
    {
        await using var server = await ApiServer.StartAsync();
        var package = Zip(("akismet.php", "<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.4\n*/"));

        var response = (await PublishAsync(server, "5.4", "[]", "{}", package, "wp-plugin-akismet")).AssertEnvelope(400, "invalid_argument_package", "package");

        Assert.Equal("The wp-plugin-akismet 5.4 package must hold the plugin in one top folder 'akismet/' (as WordPress ships a plugin); its top level holds 'akismet.php'.", response.Message);
    }

    [Fact]
    public async Task Publish_SameVersionTwice_VersionExists()
    {
        await using var server = await ApiServer.StartAsync();
        (await PublishAsync(server, "6.7.3", "[]", "{}")).AssertEnvelope(409, ErrorCodes.VersionExists, "version");
    }

    [Theory]
    [InlineData("six", "[]", "{}", ErrorCodes.InvalidArgumentVersion, "version")]
    [InlineData("6.9.0", """[{"from": "6.*", "mode": "sometimes"}]""", "{}", "invalid_argument_upgrade_from", "upgrade_from")]
    [InlineData("6.9.0", "not json", "{}", "invalid_argument_upgrade_from", "upgrade_from")]
    [InlineData("6.9.0", "[]", """{"php_min": "new"}""", "invalid_argument_requirements", "requirements")]
    public async Task Publish_BadMetadata_RefusedAndNothingStored(string version, string rules, string requirements, string errcode, string errfield)
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        (await PublishAsync(server, version, rules, requirements)).AssertEnvelope(400, errcode, errfield);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Publish_NotAZipOrEscapingEntry_InvalidPackageAndNothingStored()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        (await PublishAsync(server, "6.9.0", "[]", "{}", "this is not a zip"u8.ToArray())).AssertEnvelope(400, "invalid_argument_package", "package");
        (await PublishAsync(server, "6.9.0", "[]", "{}", Zip(("../../etc/cron.d/evil", "x")))).AssertEnvelope(400, "invalid_argument_package", "package");
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    public static TheoryData<string, byte[]> HostilePackages => new()
    {
        { "symbolic link", ZipWith(zip => zip.CreateEntry("wp-includes/evil").ExternalAttributes = unchecked((int)0xA1FF0000)) },
        { "NUL in a name", Zip(("wp-includes/version.php\0.txt", "x")) },
        { "control character", Zip(("wp-includes/line\nbreak.php", "x")) },
        { "escape character", Zip(("wp-includes/\u001b[31mred.php", "x")) },
        { "duplicate entry", Zip(("index.php", "a"), ("index.php", "b")) },
        { "file and folder", Zip(("wp-admin", "a"), ("wp-admin/index.php", "b")) },
        { "case twins", Zip(("wp-includes/Version.php", "a"), ("wp-includes/version.php", "b")) },
        { "case twin folders", Zip(("WP-Admin/a.php", "a"), ("wp-admin/b.php", "b")) },
        { "not UTF-8", ZipWith(zip => zip.CreateEntry("caf\u00e9.php"), System.Text.Encoding.Latin1) },
    };

    [Theory]
    [MemberData(nameof(HostilePackages))]
    public async Task Publish_PackageTheApplyStepWouldRefuse_InvalidPackageAndNothingStored(string kind, byte[] package)
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        var response = (await PublishAsync(server, "6.9.0", "[]", "{}", package)).AssertEnvelope(400, "invalid_argument_package", "package");
        Assert.DoesNotContain("installatron-package-", response.Message); // the spool file is ours, not the caller's
        Assert.True(response.Message.Length > 20, kind);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Publish_JsonInsteadOfMultipart_InvalidRequestBody()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync("/browser/wordpress/versions", """{"version": "6.9.0"}""")).AssertEnvelope(400, ErrorCodes.InvalidRequestBody);
    }

    public static async Task<ApiResponse> PublishAsync(
        ApiServer server, string version, string rules, string requirements, byte[]? package = null, string application = "wordpress")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(version), "version" },
            { new StringContent(rules), "upgrade_from" },
            { new StringContent(requirements), "requirements" },
        };
        var file = new ByteArrayContent(package ?? WordPressZip(version, ""));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "package.zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/browser/{application}/versions") { Content = form };
        return await server.SendAsync(request);
    }

    private static byte[] ZipWith(Action<ZipArchive> write, System.Text.Encoding? names = null)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true, names))
        {
            write(zip);
        }

        return stream.ToArray();
    }

    /// <summary>A minimal WordPress core of <paramref name="version"/>, rooted at <paramref name="root"/> ("" or "wordpress/", as wordpress.org ships it).</summary>
    public static byte[] WordPressZip(string version, string root) => Zip(
        ($"{root}index.php", "<?php echo 'hi';"),
        ($"{root}wp-includes/version.php", $"<?php\n$wp_version = '{version}';\n$wp_db_version = 58975;\n"),
        ($"{root}wp-admin/index.php", "<?php"),
        ($"{root}wp-content/index.php", "<?php"));

    public static byte[] Zip(params (string Path, string Content)[] files)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(path).Open());
                writer.Write(content);
            }
        }

        return stream.ToArray();
    }
}
