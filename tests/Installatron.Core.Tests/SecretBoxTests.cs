using System.Security.Cryptography;
using Installatron.Core;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Tests;

public sealed class SecretBoxTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void SealThenOpen_SameContext_GivesThePlaintextAndHidesIt()
    {
        var box = Box(KeyA);

        var sealedText = box.Seal("pw-correct horse", "users/alice");

        Assert.StartsWith("v1.", sealedText);
        Assert.DoesNotContain("correct horse", sealedText);
        Assert.NotEqual(sealedText, box.Seal("pw-correct horse", "users/alice")); // a fresh nonce each time
        Assert.Equal("pw-correct horse", box.Open(sealedText, "users/alice"));
    }

    [Fact]
    public void Open_AnotherRecordsContext_Refused()
    {
        var box = Box(KeyA);
        var sealedText = box.Seal("secret", "users/alice");

        Assert.ThrowsAny<CryptographicException>(() => box.Open(sealedText, "users/mallory"));
    }

    [Fact]
    public void Open_TamperedCiphertext_Refused()
    {
        var box = Box(KeyA);
        var parts = box.Seal("secret", "users/alice").Split('.');
        var bytes = Convert.FromBase64String(parts[2]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => box.Open($"{parts[0]}.{parts[1]}.{Convert.ToBase64String(bytes)}", "users/alice"));
    }

    [Fact]
    public void Open_DuringRotation_OldKeyInKey2StillOpensAndIsNotCurrent()
    {
        var sealedWithA = Box(KeyA).Seal("secret", "users/alice");
        var rotated = Box(KeyB, KeyA);

        Assert.Equal("secret", rotated.Open(sealedWithA, "users/alice"));
        Assert.False(rotated.IsCurrent(sealedWithA));
        Assert.True(rotated.IsCurrent(rotated.Seal("secret", "users/alice")));
    }

    [Fact]
    public void Open_KeyNoLongerConfigured_RefusedNamingTheSettings()
    {
        var sealedWithA = Box(KeyA).Seal("secret", "users/alice");

        var refusal = Assert.Throws<Refusal>(() => Box(KeyB).Open(sealedWithA, "users/alice"));

        Assert.Contains("Installatron__SecretsKey2", refusal.Message);
    }

    [Fact]
    public void Seal_NoKeyConfigured_RefusedNamingTheSetting()
    {
        var refusal = Assert.Throws<Refusal>(() => Box("").Seal("secret", "users/alice"));

        Assert.Equal(ErrorCodes.InternalError, refusal.Errcode);
        Assert.Contains("Installatron__SecretsKey", refusal.Message);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void Validator_BadSecretsKey_FailsNamingTheSetting(string key)
    {
        var result = new InstallatronOptionsValidator().Validate(null, new InstallatronOptions { SecretsKey = key });

        Assert.True(result.Failed);
        Assert.Contains("Installatron__SecretsKey", result.FailureMessage);
    }

    [Fact]
    public void RemoteSecrets_ToString_ShowsNoSecret()
    {
        var text = new RemoteSecrets("pw-123456", "-----BEGIN OPENSSH PRIVATE KEY-----", "pp-1").ToString();

        Assert.DoesNotContain("pw-123456", text);
        Assert.DoesNotContain("OPENSSH", text);
        Assert.DoesNotContain("pp-1", text);
    }

    private static SecretBox Box(string key, string key2 = "") =>
        new(new StaticOptions(new InstallatronOptions { SecretsKey = key, SecretsKey2 = key2 }));

    private sealed class StaticOptions(InstallatronOptions value) : IOptionsMonitor<InstallatronOptions>
    {
        public InstallatronOptions CurrentValue => value;

        public InstallatronOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<InstallatronOptions, string?> listener) => null;
    }
}
