using System.Security.Cryptography;

namespace Installatron.Integration.Tests.Infrastructure;

public static class TestIds
{
    /// <summary>A table prefix no other test uses: letters and digits, starting with a letter.</summary>
    public static string NewPrefix() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "installatron-tests", NewPrefix());
        Directory.CreateDirectory(path);
        return path;
    }
}
