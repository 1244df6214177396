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

    [GeneratedRegex("^[A-Za-z0-9]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex InstallId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,79}$", RegexOptions.CultureInvariant)]
    private static partial Regex ApplicationId();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Domain();
}
