using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Domain;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Storage;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM under <see cref="InstallatronOptions.SecretsKey"/>: a fresh 96-bit nonce
/// per value, the 128-bit tag, and the record it belongs to as associated data (a value copied to another record does
/// not open). Sealed text: <c>v1.{key id}.{base64 nonce|ciphertext|tag}</c>; the key id (the first 8 hex digits of the
/// key's SHA-256) says which key sealed it, so a value sealed with <see cref="InstallatronOptions.SecretsKey2"/> (the
/// previous key, during a rotation) still opens, and is sealed again with the current key the next time it is written.
/// </summary>
public sealed class SecretBox(IOptionsMonitor<InstallatronOptions> options)
{
    private const string Version = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>The base64 text of 32 random bytes, or the problem with it (for the hosts' checks at start).</summary>
    public static string? Problem(string setting, string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(value).Length == 32 ? null : $"{setting} must be 32 random bytes in base64 (openssl rand -base64 32).";
        }
        catch (FormatException)
        {
            return $"{setting} is not base64: it must be 32 random bytes in base64 (openssl rand -base64 32).";
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the record named <paramref name="context"/>.</summary>
    public string Seal(string plaintext, string context)
    {
        var key = Key(options.CurrentValue.SecretsKey)
            ?? throw new Refusal(ErrorCodes.InternalError, null,
                "Secrets cannot be stored: the setting Installatron__SecretsKey (32 random bytes in base64) is not set on this server.");
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + data.Length + TagBytes];
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes, data.Length), sealedBytes.AsSpan(NonceBytes + data.Length), Encoding.UTF8.GetBytes(context));
        }

        nonce.CopyTo(sealedBytes, 0);
        CryptographicOperations.ZeroMemory(data);
        return $"{Version}.{KeyId(key)}.{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>Decrypts a value sealed for <paramref name="context"/>; throws when no configured key opens it.</summary>
    public string Open(string sealedText, string context)
    {
        var parts = sealedText.Split('.');
        if (parts is not [Version, var keyId, var body])
        {
            throw new CryptographicException("The stored secret is not in a format this version reads.");
        }

        var key = new[] { options.CurrentValue.SecretsKey, options.CurrentValue.SecretsKey2 }.Select(Key).FirstOrDefault(k => k is not null && KeyId(k) == keyId)
            ?? throw new Refusal(ErrorCodes.InternalError, null,
                $"A stored secret was sealed with the key {keyId}, which is neither Installatron__SecretsKey nor Installatron__SecretsKey2 on this server.");
        var bytes = Convert.FromBase64String(body);
        var length = bytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, length), bytes.AsSpan(NonceBytes + length), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>True when the value was sealed with the current key (otherwise it should be sealed again).</summary>
    public bool IsCurrent(string sealedText) =>
        Key(options.CurrentValue.SecretsKey) is { } key && sealedText.StartsWith($"{Version}.{KeyId(key)}.", StringComparison.Ordinal);

    private static byte[]? Key(string text) => text.Length > 0 && Problem("key", text) is null ? Convert.FromBase64String(text) : null;

    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];
}
