using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Installatron.Core.Domain;

/// <summary>The shapes of IDs and names, checked before they reach a table key.</summary>
public static partial class Ids
{
    private const string InstallIdAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>A new install ID in the seed's shape: 25 lowercase letters and digits.</summary>
    public static string NewInstallId() => RandomNumberGenerator.GetString(InstallIdAlphabet, 25);

    public static bool IsValidInstallId(string id) => InstallId().IsMatch(id);

    public static bool IsValidUserName(string user) => UserName().IsMatch(user);

    public static bool IsValidApplicationId(string application) => ApplicationId().IsMatch(application);

    public static bool IsValidDomain(string domain) => Domain().IsMatch(domain);

    [GeneratedRegex(@"\A[A-Za-z0-9]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstallId();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,79}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ApplicationId();

    [GeneratedRegex(@"\A(?=.{1,253}\z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Domain();
}
