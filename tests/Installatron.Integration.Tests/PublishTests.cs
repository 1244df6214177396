using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Installatron.Core.Api;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Integration.Tests;

public sealed class PublishTests
{
    [Fact]
    public async Task Publish_Zip_StoredWithHashAndListed()
    {
        await using var server = await ApiServer.StartAsync();
        var package = Zip(("index.php", "<?php echo 'hi';"), ("wp-includes/version.php", "<?php $wp_version = '6.8.0';"));
        var response = await PublishAsync(server, "6.8.0", """[{"from": "6.7.*", "mode": "auto"}]""", """{"php_min": "8.1"}""", package);
        var data = response.AssertEnvelope(201, null).Data;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(package)), data.GetProperty("package").GetProperty("sha256").GetString());
        Assert.Equal(2, data.GetProperty("package").GetProperty("entries").GetInt64());
        Assert.Equal("6.8", data.GetProperty("branch").GetString());

        var browser = (await server.GetAsync("/browser/wordpress?from=6.7.2")).AssertEnvelope(200, null).Data;
        var published = browser.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "6.8.0");
        Assert.Equal("auto", published.GetProperty("upgrade_from").GetString());
        Assert.Equal("none", (await server.GetAsync("/browser/wordpress?from=6.6.0")).Data.GetProperty("versions").EnumerateArray()
            .Single(v => v.GetProperty("version").GetString() == "6.8.0").GetProperty("upgrade_from").GetString());
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

    public static async Task<ApiResponse> PublishAsync(ApiServer server, string version, string rules, string requirements, byte[]? package = null)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(version), "version" },
            { new StringContent(rules), "upgrade_from" },
            { new StringContent(requirements), "requirements" },
        };
        var file = new ByteArrayContent(package ?? Zip(("index.php", "<?php")));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "package.zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/browser/wordpress/versions") { Content = form };
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
