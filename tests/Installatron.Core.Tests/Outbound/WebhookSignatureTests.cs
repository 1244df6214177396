using Installatron.Core.Outbound.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace Installatron.Core.Tests.Outbound;

public sealed class WebhookSignatureTests
{
    // The specification's test vector (the reference libraries' "sign function works" test).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = """{"test": 2432232314}""";

    [Fact]
    public void Sign_SpecificationTestVector_ExpectedSignature() =>
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.Sign(SpecSecret, SpecId, SpecTimestamp, SpecBody));

    [Fact]
    public void Sign_SecretWithoutPrefix_SameSignature() =>
        Assert.Equal(WebhookSignature.Sign(SpecSecret, SpecId, SpecTimestamp, SpecBody), WebhookSignature.Sign(SpecSecret[6..], SpecId, SpecTimestamp, SpecBody));

    [Fact]
    public void Sign_ReferenceLibrary_AgreesOnTheVectorAndOnNewSecrets()
    {
        Assert.Equal(new StandardWebhook(SpecSecret).Sign(SpecId, DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp), SpecBody),
            WebhookSignature.Sign(SpecSecret, SpecId, SpecTimestamp, SpecBody));

        var secret = WebhookSignature.NewSecret();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        const string body = """{"type":"update","data":{"message":"ünïcödé ✓"}}""";
        var headers = new HeaderDictionary
        {
            [WebhookSignature.IdHeader] = "msg_0123",
            [WebhookSignature.TimestampHeader] = now.ToString(),
            [WebhookSignature.SignatureHeader] = WebhookSignature.Sign(secret, "msg_0123", now, body),
        };
        new StandardWebhook(secret).Verify(body, headers); // throws when it does not verify

        headers[WebhookSignature.SignatureHeader] = WebhookSignature.Sign(secret, "msg_0123", now, body + " ");
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(secret).Verify(body, headers));
    }

    [Fact]
    public void NewSecret_WhsecAndBase64Of32RandomBytes()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }
}
