using Installatron.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Tests;

public sealed class ApiKeyCheckTests
{
    [Theory]
    [InlineData("key-one", true)]
    [InlineData("key-two", true)]
    [InlineData("key-one ", false)]
    [InlineData("KEY-ONE", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsAuthorized_EitherKey(string? presented, bool expected) =>
        Assert.Equal(expected, Check("key-one", "key-two").IsAuthorized(Request(presented)));

    [Fact]
    public void IsAuthorized_NoKeysConfigured_NothingPasses() =>
        Assert.False(Check("", "").IsAuthorized(Request("")));

    [Fact]
    public void IsAuthorized_OnlySecondKeyConfigured_SecondPasses() =>
        Assert.True(Check("", "rotated").IsAuthorized(Request("rotated")));

    private static ApiKeyCheck Check(string key, string key2)
    {
        var options = new InstallatronOptions { Key = key, Key2 = key2 };
        return new ApiKeyCheck(new StaticOptionsMonitor(options));
    }

    private static HttpRequest Request(string? key)
    {
        var context = new DefaultHttpContext();
        if (key is not null)
        {
            context.Request.Headers[ApiKeyCheck.HeaderName] = key;
        }

        return context.Request;
    }

    private sealed class StaticOptionsMonitor(InstallatronOptions value) : IOptionsMonitor<InstallatronOptions>
    {
        public InstallatronOptions CurrentValue => value;

        public InstallatronOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<InstallatronOptions, string?> listener) => null;
    }
}
