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

    /// <summary>Keys of up to 128 characters are encoded on the stack, longer ones on the heap: both ways compare the same.</summary>
    [Theory]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(5000)]
    public void IsAuthorized_LongKeysAndNonAsciiKeys_ComparedWhole(int length)
    {
        var key = string.Concat(Enumerable.Repeat("kë€𝄞", length / 5 + 1))[..length];
        var check = Check(key, "");
        Assert.True(check.IsAuthorized(Request(key)));
        Assert.False(check.IsAuthorized(Request(key[..^1] + "x")));
        Assert.False(check.IsAuthorized(Request(key + "x")));
    }

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
