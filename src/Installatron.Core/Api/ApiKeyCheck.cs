using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Api;

/// <summary><c>X-API-KEY</c> must equal <c>Installatron:Key</c> or <c>Installatron:Key2</c>; compared in constant time.</summary>
public sealed class ApiKeyCheck(IOptionsMonitor<InstallatronOptions> options)
{
    public const string HeaderName = "X-API-KEY";

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].ToString();
        var current = options.CurrentValue;
        // Both comparisons always run, so timing tells nothing about which key (if any) matched.
        var first = Matches(presented, current.Key);
        var second = Matches(presented, current.Key2);
        return first | second;
    }

    private static bool Matches(string presented, string configured)
    {
        if (configured.Length == 0)
        {
            return false;
        }

        // Hashing first makes the comparison independent of both lengths.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(a, b) && presented.Length > 0;
    }
}
