using System.Net;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Webhooks;

namespace Installatron.Core.Tests.Outbound;

public sealed class WebhookAddressPolicyTests
{
    private static readonly NotificationOptions Strict = new();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")] // CGNAT
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")] // multicast
    [InlineData("255.255.255.255")]
    [InlineData("192.0.2.10")] // documentation
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("64:ff9b::10.0.0.1")] // NAT64
    [InlineData("2002:c0a8:0101::1")] // 6to4 of 192.168.1.1
    public void IsPublic_SpecialAddress_False(string address) => Assert.False(WebhookAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")] // just outside 172.16.0.0/12
    [InlineData("100.128.0.1")] // just outside CGNAT
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    public void IsPublic_PublicAddress_True(string address) => Assert.True(WebhookAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://hooks.example.com/x", "https://")]
    [InlineData("ftp://hooks.example.com/x", "https://")]
    [InlineData("https://user:pass@hooks.example.com/x", "user name or password")]
    [InlineData("https://hooks.example.com/x#frag", "fragment")]
    [InlineData("/relative", "https://")] // on Linux a file URI
    [InlineData("not a url", "absolute")]
    public void CheckUrl_Refused_SaysWhy(string url, string why) => Assert.Contains(why, WebhookAddressPolicy.CheckUrl(url, Strict));

    [Fact]
    public void CheckUrl_HttpsWithPortPathQuery_Allowed() => Assert.Null(WebhookAddressPolicy.CheckUrl("https://hooks.example.com:8443/in/x?token=1", Strict));

    [Fact]
    public void CheckUrl_HttpWhenAllowed_Allowed() => Assert.Null(WebhookAddressPolicy.CheckUrl("http://127.0.0.1:8080/x", new NotificationOptions { WebhookAllowHttp = true }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("localhost")]
    [InlineData("[::ffff:192.168.0.1]")]
    public async Task ResolveAsync_LoopbackOrPrivate_RefusedUnlessAllowed(string host)
    {
        var refused = await Assert.ThrowsAsync<WebhookAddressRefused>(() => WebhookAddressPolicy.ResolveAsync(host, Strict, CancellationToken.None));
        Assert.Contains("not a public internet address", refused.Message);
        Assert.NotEmpty(await WebhookAddressPolicy.ResolveAsync(host, new NotificationOptions { WebhookAllowPrivateNetworks = true }, CancellationToken.None));
    }
}
