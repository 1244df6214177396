using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>The webhook administration routes on the real server: the secret shown once, and URLs refused by default.</summary>
public sealed class WebhookRoutesTests
{
    private static readonly string[] AllowLoopbackHttp = ["--Installatron:WebhookAllowPrivateNetworks", "true", "--Installatron:WebhookAllowHttp", "true"];

    [Fact]
    public async Task Webhooks_CreateReadEditRotateDelete_SecretShownOnlyWhenMadeOrRotated()
    {
        await using var server = await ApiServer.StartAsync(settings: AllowLoopbackHttp);
        // Registering never contacts the URL: port 9 (discard) on loopback stays untouched.
        var created = (await server.PostJsonAsync("/webhooks",
            $$"""{"url": "http://127.0.0.1:9/hook", "events": ["update", "update_error"], "user": "{{DemoData.User}}", "description": "CI"}""")).AssertEnvelope(201, null);
        var id = created.Data.GetProperty("id").GetString()!;
        var secret = created.Data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(["update", "update_error"], created.Data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(created.Data.GetProperty("enabled").GetBoolean());

        var read = (await server.GetAsync($"/webhooks/{id}")).AssertEnvelope(200, null);
        Assert.Equal(JsonValueKind.Null, read.Data.GetProperty("secret").ValueKind);
        Assert.DoesNotContain(secret, read.Body);
        var list = (await server.GetAsync($"/webhooks?user={DemoData.User}")).AssertEnvelope(200, null);
        Assert.Equal(id, Assert.Single(list.Data.EnumerateArray()).GetProperty("id").GetString());
        Assert.DoesNotContain(secret, list.Body);
        Assert.Empty((await server.GetAsync("/webhooks?user=someoneelse")).AssertEnvelope(200, null).Data.EnumerateArray());

        var edited = (await server.PostJsonAsync($"/webhooks/{id}", """{"events": ["update_available"], "description": "changed", "enabled": false}""")).AssertEnvelope(200, null);
        Assert.Equal("changed", edited.Data.GetProperty("description").GetString());
        Assert.False(edited.Data.GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(secret, edited.Body);

        var rotated = (await server.PostJsonAsync($"/webhooks/{id}", """{"rotate_secret": true, "enabled": true}""")).AssertEnvelope(200, null);
        var newSecret = rotated.Data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", newSecret);
        Assert.NotEqual(secret, newSecret);
        Assert.True(rotated.Data.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await server.GetAsync($"/webhooks/{id}")).Data.GetProperty("secret").ValueKind);

        var deliveries = (await server.GetAsync($"/webhooks/{id}/deliveries")).AssertEnvelope(200, null);
        Assert.Equal(0, deliveries.Data.GetProperty("total").GetInt32());

        (await server.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/webhooks/{id}"))).AssertEnvelope(200, null);
        (await server.GetAsync($"/webhooks/{id}")).AssertEnvelope(404, ErrorCodes.WebhookNotFound);
        (await server.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/webhooks/{id}"))).AssertEnvelope(404, ErrorCodes.WebhookNotFound);
        (await server.GetAsync($"/webhooks/{id}", key: null)).AssertEnvelope(403, ErrorCodes.InvalidApiKey);
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook", "127.0.0.1")]
    [InlineData("https://localhost:8443/hook", "localhost")]
    [InlineData("https://[::1]/hook", "::1")]
    [InlineData("https://[::ffff:192.168.0.1]/hook", "192.168.0.1")]
    [InlineData("https://10.20.30.40/hook", "10.20.30.40")]
    [InlineData("https://172.20.0.5/hook", "172.20.0.5")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("https://100.64.1.1/hook", "100.64.1.1")]
    [InlineData("https://[fd00::1]/hook", "fd00::1")]
    [InlineData("https://[fe80::1]/hook", "fe80::1")]
    [InlineData("https://0.0.0.0/hook", "0.0.0.0")]
    [InlineData("https://224.0.0.1/hook", "224.0.0.1")]
    public async Task CreateWebhook_PrivateOrLoopbackWithoutTheSetting_RefusedAndNothingStored(string url, string address)
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        var refused = (await server.PostJsonAsync("/webhooks", JsonSerializer.Serialize(new { url }))).AssertEnvelope(400, "invalid_argument_url", "url");
        Assert.Contains(address, refused.Message);
        Assert.Contains("not a public internet address", refused.Message);
        Assert.Empty((await server.GetAsync("/webhooks")).Data.EnumerateArray());
    }

    [Theory]
    [InlineData("http://93.184.216.34/hook", "https://")]
    [InlineData("http://127.0.0.1:9/hook", "https://")] // private networks allowed, plain http still not
    [InlineData("https://user:password@93.184.216.34/hook", "user name or password")]
    [InlineData("hooks.example.com/in", "absolute https:// URL")]
    public async Task CreateWebhook_NotHttpsOrCredentials_Refused(string url, string why)
    {
        await using var server = await ApiServer.StartAsync(demoData: false, settings: ["--Installatron:WebhookAllowPrivateNetworks", "true"]);
        var refused = (await server.PostJsonAsync("/webhooks", JsonSerializer.Serialize(new { url }))).AssertEnvelope(400, "invalid_argument_url", "url");
        Assert.Contains(why, refused.Message);
        Assert.DoesNotContain("password@", refused.Message.Replace(url, "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"url": "http://127.0.0.1:9/", "events": ["backup"]}""", 400, "invalid_argument_events", "events")]
    [InlineData("""{"url": "http://127.0.0.1:9/", "events": []}""", 400, "invalid_argument_events", "events")]
    [InlineData("""{"url": "http://127.0.0.1:9/", "email": "not an address"}""", 400, "invalid_argument_email", "email")]
    [InlineData("""{"url": "http://127.0.0.1:9/", "user": "nobody"}""", 404, ErrorCodes.UserNotFound, "user")]
    [InlineData("""{"url": "http://127.0.0.1:9/", "secret": "whsec_mine"}""", 400, ErrorCodes.UnknownArgument, "secret")]
    [InlineData("""{"events": ["update"]}""", 400, "invalid_argument_url", "url")]
    public async Task CreateWebhook_BadField_Refused(string body, int status, string errcode, string errfield)
    {
        await using var server = await ApiServer.StartAsync(demoData: false, settings: AllowLoopbackHttp);
        (await server.PostJsonAsync("/webhooks", body)).AssertEnvelope(status, errcode, errfield);
        Assert.Empty((await server.GetAsync("/webhooks")).Data.EnumerateArray());
    }
}
