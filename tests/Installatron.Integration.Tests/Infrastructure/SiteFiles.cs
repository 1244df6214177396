using System.Security.Cryptography;
using System.Text;

namespace Installatron.Integration.Tests.Infrastructure;

public static class SiteFiles
{
    /// <summary>One hash over every path, mode and content under <paramref name="root"/>: equal hashes mean byte-identical trees.</summary>
    public static string Hash(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            var mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(path);
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{mode}\0"));
            if (File.Exists(path))
            {
                hash.AppendData(File.ReadAllBytes(path));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
