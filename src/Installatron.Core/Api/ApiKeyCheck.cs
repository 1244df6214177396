using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Api;

/// <summary><c>X-API-KEY</c> must equal <c>Installatron:Key</c> or <c>Installatron:Key2</c>; compared in constant time.</summary>
public sealed class ApiKeyCheck(IOptionsMonitor<InstallatronOptions> options)
{
    public const string HeaderName = "X-API-KEY";

    /// <summary>Keys up to this many characters are encoded on the stack (a refusal allocates nothing for them).</summary>
    private const int MaxStackKeyLength = 128;

    private ConfiguredKeys? _keys;

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].ToString();
        var keys = KeysOf(options.CurrentValue);
        // Hashing first makes the comparison independent of both lengths; both comparisons always run, so timing
        // tells nothing about which key (if any) matched.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var utf8 = presented.Length <= MaxStackKeyLength ? stackalloc byte[MaxStackKeyLength * 3] : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(presented, utf8)], hash);
        var first = keys.Key is { } key && CryptographicOperations.FixedTimeEquals(hash, key);
        var second = keys.Key2 is { } key2 && CryptographicOperations.FixedTimeEquals(hash, key2);
        return (first | second) && presented.Length > 0;
    }

    /// <summary>The configured keys' hashes, computed again only when the settings change.</summary>
    private ConfiguredKeys KeysOf(InstallatronOptions current)
    {
        var keys = _keys;
        if (keys is null || !ReferenceEquals(keys.Key1Text, current.Key) || !ReferenceEquals(keys.Key2Text, current.Key2))
        {
            _keys = keys = new ConfiguredKeys(current.Key, current.Key2, HashOf(current.Key), HashOf(current.Key2));
        }

        return keys;
    }

    private static byte[]? HashOf(string configured) => configured.Length == 0 ? null : SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    private sealed record ConfiguredKeys(string Key1Text, string Key2Text, byte[]? Key, byte[]? Key2);
}
