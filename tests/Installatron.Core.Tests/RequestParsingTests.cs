using System.Text;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Tests;

public sealed class RequestParsingTests
{
    [Fact]
    public async Task Parse_EmptyBody_SeedDefaults()
    {
        var request = await ParseAsync("", "application/json");
        Assert.Null(request.Version);
        Assert.False(request.Revert);
        Assert.False(request.Background);
        Assert.Equal(DryrunMode.None, request.Dryrun);
        Assert.Null(request.Plugins);
        Assert.Null(request.Themes);
        Assert.Null(request.User);
    }

    [Fact]
    public async Task Parse_SeedSecondExample_SingularKeysAreEmptyLists()
    {
        var request = await ParseAsync("""{"version": "current", "plugin": [], "theme": []}""", "application/json");
        Assert.Equal("current", request.Version);
        Assert.Empty(request.Plugins!);
        Assert.Equal("plugin", request.PluginsField);
        Assert.Empty(request.Themes!);
        Assert.Equal("theme", request.ThemesField);
    }

    [Fact]
    public async Task Parse_JsonSentAsFormEncoded_ReadAsJson()
    {
        var request = await ParseAsync("""{"version": "1.1.2", "revert": true}""", "application/x-www-form-urlencoded");
        Assert.Equal("1.1.2", request.Version);
        Assert.True(request.Revert);
    }

    [Fact]
    public async Task Parse_FormEncoded_TypedValues()
    {
        var request = await ParseAsync("version=6.7.3&revert=1&background=true&dryrun=input&plugins[]=akismet&plugins[]=hello", "application/x-www-form-urlencoded");
        Assert.Equal("6.7.3", request.Version);
        Assert.True(request.Revert);
        Assert.True(request.Background);
        Assert.Equal(DryrunMode.Input, request.Dryrun);
        Assert.Equal(["akismet", "hello"], request.Plugins!);
    }

    [Fact]
    public async Task Parse_JsonNull_TakesDefault() =>
        Assert.Null((await ParseAsync("""{"version": null}""", "application/json")).Version);

    [Theory]
    [InlineData("""{"revert": "maybe"}""", "invalid_argument_revert", "revert", 400)]
    [InlineData("""{"background": [true]}""", "invalid_argument_background", "background", 400)]
    [InlineData("""{"dryrun": "some"}""", "invalid_argument_dryrun", "dryrun", 400)]
    [InlineData("""{"version": 6.7}""", "invalid_argument_version", "version", 400)]
    [InlineData("""{"version": ""}""", "invalid_argument_version", "version", 400)]
    [InlineData("""{"user": 5}""", "invalid_argument_user", "user", 403)]
    [InlineData("""{"plugins": "akismet"}""", "invalid_argument_plugins", "plugins", 400)]
    [InlineData("""{"theme": [1, 2]}""", "invalid_argument_theme", "theme", 400)]
    [InlineData("""{"plugins": [], "plugin": []}""", "invalid_argument_plugin", "plugin", 400)]
    [InlineData("""{"verison": "6.7.3"}""", "invalid_argument_unknown", "verison", 400)]
    public async Task Parse_WrongTypeOrValue_RefusedWithField(string body, string errcode, string errfield, int status)
    {
        var refusal = await Assert.ThrowsAsync<Refusal>(() => ParseAsync(body, "application/json"));
        Assert.Equal(errcode, refusal.Errcode);
        Assert.Equal(errfield, refusal.Errfield);
        Assert.Equal(status, ErrorStatuses.StatusOf(refusal.Errcode));
    }

    [Theory]
    [InlineData("{\"version\": ")]
    [InlineData("[\"version\"]")]
    [InlineData("version")]
    public async Task Parse_NotAJsonObject_InvalidRequestBody(string body)
    {
        var refusal = await Assert.ThrowsAsync<Refusal>(() => ParseAsync(body, "application/json"));
        Assert.Equal(ErrorCodes.InvalidRequestBody, refusal.Errcode);
        Assert.Equal(400, ErrorStatuses.StatusOf(refusal.Errcode));
    }

    [Fact]
    public async Task Parse_BodyOverMaximum_InvalidRequestBody()
    {
        var body = "{\"version\": \"" + new string('x', RequestFields.MaxBodyBytes) + "\"}";
        var refusal = await Assert.ThrowsAsync<Refusal>(() => ParseAsync(body, "application/json"));
        Assert.Equal(ErrorCodes.InvalidRequestBody, refusal.Errcode);
    }

    private static async Task<UpdateRequest> ParseAsync(string body, string contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return UpdateRequestReader.Read(await RequestFields.ReadAsync(context.Request, CancellationToken.None));
    }
}
