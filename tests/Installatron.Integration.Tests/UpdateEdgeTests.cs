using System.Net.Http.Headers;
using System.Text;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

/// <summary>
/// POST /installs/{id}/update through HTTP on the real server: one test per errcode the edge produces, each also
/// checking that nothing stored changed.
/// </summary>
public sealed class UpdateEdgeTests
{
    private const string UpdatePath = $"/installs/{DemoData.InstallId}/update";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task Update_MissingOrWrongKey_InvalidApiKey(string? key)
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, "{}", 403, ErrorCodes.InvalidApiKey, null, key);
    }

    [Fact]
    public async Task Update_SecondKey_Accepted()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync(UpdatePath, """{"dryrun": "input"}""", ApiServer.Key2)).AssertEnvelope(200, ErrorCodes.CompleteDryrun);
    }

    [Fact]
    public async Task Update_SeedExample3UnknownInstall_InstallNotFound()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        var response = await server.PostJsonAsync("/installs/exampleaccountname/update", """{"version": "1.1.2"}""");
        response.AssertEnvelope(404, ErrorCodes.InstallNotFound);
        Assert.Equal(JsonValueKindNull, response.Data.ValueKind);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task Update_OtherUsersInstall_InstallNotFoundLikeAMissingOne()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.CreateUserAsync(new { user = "someoneelse", vhosts = new[] { "other.example" } })).AssertEnvelope(201, null);
        var other = await AssertRefusedUnchangedAsync(server, """{"user": "someoneelse", "dryrun": "input"}""", 404, ErrorCodes.InstallNotFound, null);
        var missing = await server.PostJsonAsync("/installs/doesnotexist12345/update", """{"user": "someoneelse"}""");
        Assert.Equal(missing.Message.Replace("doesnotexist12345", DemoData.InstallId), other.Message);
    }

    [Fact]
    public async Task Update_ResellerOfOwner_MayAct()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.CreateUserAsync(new { user = "reseller1", role = "reseller" })).AssertEnvelope(201, null);
        (await server.PostJsonAsync($"/users/{DemoData.User}", """{"owner": "reseller1"}""")).AssertEnvelope(200, null);
        (await server.PostJsonAsync(UpdatePath, """{"user": "reseller1", "dryrun": "input"}""")).AssertEnvelope(200, ErrorCodes.CompleteDryrun);
    }

    [Fact]
    public async Task Update_UnknownUser_UserNotFound()
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, """{"user": "nosuchuser"}""", 404, ErrorCodes.UserNotFound, "user");
    }

    [Fact]
    public async Task Update_SuspendedUser_InvalidArgumentUser()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync($"/users/{DemoData.User}", """{"suspended": true}""")).AssertEnvelope(200, null);
        await AssertRefusedUnchangedAsync(server, $$"""{"user": "{{DemoData.User}}"}""", 403, ErrorCodes.InvalidArgumentUser, "user");
        await AssertRefusedUnchangedAsync(server, "{}", 403, ErrorCodes.InvalidArgumentUser, "user");
    }

    [Theory]
    [InlineData("1.1.2")]
    [InlineData("not-a-version")]
    public async Task Update_UnknownVersion_InvalidArgumentVersion(string version)
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, $$"""{"version": "{{version}}"}""", 400, ErrorCodes.InvalidArgumentVersion, "version");
    }

    [Theory]
    [InlineData("6.7.2")]
    public async Task Update_NotNewer_Noupdate(string version)
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, $$"""{"version": "{{version}}"}""", 400, ErrorCodes.InvalidArgumentVersionNoupdate, "version");
    }

    [Fact]
    public async Task Update_NewMajorNeedingManualUpdate_Manualupdate()
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, """{"version": "7.0.0"}""", 400, ErrorCodes.InvalidArgumentVersionManualupdate, "version");
    }

    [Fact]
    public async Task Update_AccountPhpTooOld_Unmetrequirements()
    {
        await using var server = await ApiServer.StartAsync();
        (await server.PostJsonAsync($"/users/{DemoData.User}", """{"php_version": "7.0"}""")).AssertEnvelope(200, null);
        var response = await AssertRefusedUnchangedAsync(server, """{"version": "6.7.3"}""", 400, ErrorCodes.InvalidArgumentVersionUnmetrequirements, "version");
        Assert.Contains("PHP 7.2.24", response.Message);
        await AssertRefusedUnchangedAsync(server, "{}", 400, ErrorCodes.InvalidArgumentVersionUnmetrequirements, "version");
    }

    [Theory]
    [InlineData("{\"version\": ", ErrorCodes.InvalidRequestBody, null)]
    [InlineData("[1, 2]", ErrorCodes.InvalidRequestBody, null)]
    [InlineData("""{"revert": "perhaps"}""", "invalid_argument_revert", "revert")]
    [InlineData("""{"background": {}}""", "invalid_argument_background", "background")]
    [InlineData("""{"dryrun": "everything"}""", "invalid_argument_dryrun", "dryrun")]
    [InlineData("""{"version": 6.7}""", ErrorCodes.InvalidArgumentVersion, "version")]
    [InlineData("""{"plugins": "akismet"}""", "invalid_argument_plugins", "plugins")]
    [InlineData("""{"plugin": ["no-such-plugin"]}""", "invalid_argument_plugin", "plugin")]
    [InlineData("""{"themes": ["twentytwentythree", "no-such-theme"]}""", "invalid_argument_themes", "themes")]
    [InlineData("""{"versoin": "6.7.3"}""", ErrorCodes.UnknownArgument, "versoin")]
    public async Task Update_MalformedOrWrongType_400WithField(string body, string errcode, string? errfield)
    {
        await using var server = await ApiServer.StartAsync();
        await AssertRefusedUnchangedAsync(server, body, 400, errcode, errfield);
    }

    [Fact]
    public async Task Update_DryrunInput_CompleteDryrunWithInstallAndNothingChanged()
    {
        await using var server = await ApiServer.StartAsync();
        var snapshot = await server.SnapshotAsync();
        var files = SiteFiles.Hash(server.DemoSitePath);
        var response = await server.PostJsonAsync(UpdatePath, $$"""{"user": "{{DemoData.User}}", "revert": true, "dryrun": "input"}""");
        response.AssertEnvelope(200, ErrorCodes.CompleteDryrun);
        Assert.Equal(DemoData.InstallId, response.Data.GetProperty("id").GetString());
        Assert.Equal("6.7.2", response.Data.GetProperty("version").GetString());
        Assert.Contains("6.7.3", response.Message);
        Assert.Equal(snapshot, await server.SnapshotAsync());
        Assert.Equal(files, SiteFiles.Hash(server.DemoSitePath));
    }

    [Fact]
    public async Task Update_SeedExample2AsDryrun_PluginsAndThemesOnly()
    {
        await using var server = await ApiServer.StartAsync();
        var response = await server.PostJsonAsync(UpdatePath, """{"version": "current", "plugin": [], "theme": [], "dryrun": "input"}""");
        response.AssertEnvelope(200, ErrorCodes.CompleteDryrun);
        Assert.Contains("core stays at 6.7.2", response.Message);
        Assert.Contains("2 plugin(s) and 2 theme(s)", response.Message);
    }

    [Fact]
    public async Task Update_FormEncodedBody_ReadLikeJson()
    {
        await using var server = await ApiServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, UpdatePath)
        {
            Content = new FormUrlEncodedContent([new("dryrun", "input"), new("revert", "1"), new("plugins[]", "akismet")]),
        };
        var response = await server.SendAsync(request);
        response.AssertEnvelope(200, ErrorCodes.CompleteDryrun);
        Assert.Contains("1 plugin(s)", response.Message);
    }

    [Fact]
    public async Task Update_JsonWithoutContentType_ReadAsJson()
    {
        // What `curl -d '{...}'` sends when the caller forgets -H 'Content-Type: application/json'.
        await using var server = await ApiServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, UpdatePath)
        {
            Content = new StringContent("""{"version": "1.1.2"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/x-www-form-urlencoded")),
        };
        (await server.SendAsync(request)).AssertEnvelope(400, ErrorCodes.InvalidArgumentVersion, "version");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static async Task<ApiResponse> AssertRefusedUnchangedAsync(
        ApiServer server, string body, int status, string errcode, string? errfield, string? key = ApiServer.Key)
    {
        var snapshot = await server.SnapshotAsync();
        var files = SiteFiles.Hash(server.DemoSitePath);
        var response = (await server.PostJsonAsync(UpdatePath, body, key)).AssertEnvelope(status, errcode, errfield);
        Assert.Equal(snapshot, await server.SnapshotAsync());
        Assert.Equal(files, SiteFiles.Hash(server.DemoSitePath));
        return response;
    }
}
