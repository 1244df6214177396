using System.Net.Http.Headers;
using System.Text;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// Requests a hostile or careless caller sends, each of which once answered 500: every one must get a 4xx envelope
/// with the right errcode and errfield, and change nothing.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Server fixture) : IClassFixture<HostileInputTests.Server>
{
    private const string Update = $"/installs/{DemoData.InstallId}/update";

    public sealed class Server : IAsyncLifetime
    {
        public ApiServer Api { get; private set; } = null!;

        public async Task InitializeAsync() => Api = await ApiServer.StartAsync();

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }

    public static TheoryData<string, string, string, byte[], int, string, string?> Bodies => new()
    {
        // A lone UTF-16 surrogate, escaped, in a value and in a name.
        { "POST", Update, "application/json", Utf8("""{"version": "\ud800"}"""), 400, ErrorCodes.InvalidArgumentVersion, "version" },
        { "POST", Update, "application/json", Utf8("""{"plugins": ["akismet", "\udfff"]}"""), 400, "invalid_argument_plugins", "plugins" },
        { "POST", Update, "application/json", Utf8("""{"\ud800": true}"""), 400, ErrorCodes.InvalidRequestBody, null },
        { "POST", "/users", "application/json", Utf8("""{"user": "eve", "email": "a\ud83d@example.com"}"""), 400, "invalid_argument_email", "email" },
        // Bytes that are not UTF-8 inside a JSON string.
        { "POST", "/users", "application/json", [.. Utf8("""{"user": "eve", "email": "a"""), 0xFF, 0xFE, .. Utf8("\"}")], 400, "invalid_argument_email", "email" },
        { "POST", "/users", "application/json", [.. Utf8("""{"user": "eve", "e"""), 0xC3, .. Utf8("\": 1}")], 400, ErrorCodes.InvalidRequestBody, null },
        // Control characters where text is expected.
        { "POST", "/users", "application/json", Utf8("""{"user": "eve", "email": "a\u0000b"}"""), 400, "invalid_argument_email", "email" },
        { "POST", "/users", "application/x-www-form-urlencoded", Utf8("user=eve&email=a%00b"), 400, "invalid_argument_email", "email" },
        // A name with a trailing newline: the old patterns' '$' let it through to the table key.
        { "POST", "/users", "application/json", Utf8("""{"user": "eve\n"}"""), 403, ErrorCodes.InvalidArgumentUser, "user" },
        // A multipart body that is not a form.
        { "POST", "/users", "multipart/mixed; boundary=xyz", Utf8("--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz--\r\n"), 400, ErrorCodes.InvalidRequestBody, null },
        { "POST", "/users", "multipart/form-data", Utf8("no boundary at all"), 400, ErrorCodes.InvalidRequestBody, null },
        // A form body over the 1 MiB limit that holds for every body kind.
        { "POST", "/users", "multipart/form-data; boundary=xyz", LargeForm(), 400, ErrorCodes.InvalidRequestBody, null },
        { "POST", "/users", "application/json", Utf8($$"""{"user": "eve", "email": "{{new string('a', 1_100_000)}}"}"""), 400, ErrorCodes.InvalidRequestBody, null },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Body_Hostile_RefusedWithEnvelopeAndNothingStored(
        string method, string path, string contentType, byte[] body, int status, string errcode, string? errfield)
    {
        var snapshot = await fixture.Api.SnapshotAsync();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };

        (await fixture.Api.SendAsync(request)).AssertEnvelope(status, errcode, errfield);

        Assert.Equal(snapshot, await fixture.Api.SnapshotAsync());
    }

    public static TheoryData<string, int, string, string?> Queries => new()
    {
        { $"/installs/{DemoData.InstallId}%0A", 404, ErrorCodes.InstallNotFound, null },
        { $"/installs/{DemoData.InstallId}%0A/update", 404, ErrorCodes.InstallNotFound, null },
        { "/users/useraccountname%0A", 404, ErrorCodes.UserNotFound, "user" },
        { "/browser/wordpress%0A", 404, ErrorCodes.ApplicationNotFound, null },
        { "/browser/wordpress?from=6.7.2%0A", 400, "invalid_argument_from", "from" },
        { "/tasks?install=abc%0A", 400, "invalid_argument_install", "install" },
        { "/tasks?install=%ED%A0%80", 400, "invalid_argument_install", "install" },
        { "/installs?user=%00", 403, ErrorCodes.InvalidArgumentUser, "user" },
        { "/installs?%00=1", 400, ErrorCodes.InvalidRequestBody, null },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Get_HostilePathOrQuery_RefusedWithEnvelope(string path, int status, string errcode, string? errfield)
    {
        var method = path.EndsWith("/update", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
        using var request = new HttpRequestMessage(method, path);
        (await fixture.Api.SendAsync(request)).AssertEnvelope(status, errcode, errfield);
    }

    [Fact]
    public async Task Import_NulInPath_InvalidArgumentPathAndNothingStored()
    {
        var snapshot = await fixture.Api.SnapshotAsync();
        var site = fixture.Api.DemoSitePath.Replace("\\", "\\\\", StringComparison.Ordinal);
        var body = $$"""{"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.2", "path": "{{site}}\u0000x", "url": "http://website.com/x"}""";

        (await fixture.Api.PostJsonAsync("/installs", body)).AssertEnvelope(400, "invalid_argument_path", "path");

        Assert.Equal(snapshot, await fixture.Api.SnapshotAsync());
    }

    [Fact]
    public async Task Publish_VersionWithTrailingNewline_InvalidArgumentVersion()
    {
        (await PublishTests.PublishAsync(fixture.Api, "6.9.0\n", "[]", "{}")).AssertEnvelope(400, ErrorCodes.InvalidArgumentVersion, "version");
    }

    [Fact]
    public async Task Body_BrokenChunkedFraming_InvalidRequestBody()
    {
        var snapshot = await fixture.Api.SnapshotAsync();
        var head = $"""
            POST /users HTTP/1.1
            Host: {fixture.Api.BaseAddress.Authority}
            X-API-KEY: {ApiServer.Key}
            Content-Type: application/json
            Transfer-Encoding: chunked
            Connection: close

            """;

        var response = await RawHttp.SendAsync(fixture.Api.BaseAddress, head, Utf8("5\r\n{\"use\r\nZZ-not-a-size\r\n\r\n"));

        response.AssertEnvelope(400, ErrorCodes.InvalidRequestBody);
        Assert.Equal(snapshot, await fixture.Api.SnapshotAsync());
    }

    public static TheoryData<string> MalformedRequests => new()
    {
        "GET /users/a%00b HTTP/1.1\nHost: x\n",
        "GET /users/x HTTP/1.1\nHost: x\nBad Header: x\n",
        $"GET /{new string('a', 10_000)} HTTP/1.1\nHost: x\n",
        $"GET /users/x HTTP/1.1\nHost: x\nX-Long: {new string('a', 40_000)}\n",
        "NOT-HTTP\n",
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Request_MalformedHttp_EnvelopeFromTheWebServer(string head)
    {
        var response = await RawHttp.SendAsync(fixture.Api.BaseAddress, head, []);
        response.AssertEnvelope(400, ErrorCodes.InvalidRequestBody);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] LargeForm() => Utf8(
        "--xyz\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\neve\r\n" +
        "--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + new string('a', 1_100_000) + "\r\n--xyz--\r\n");
}
