using System.Security.Cryptography;
using System.Text;

namespace Installatron.Sites.Tests.Support;

/// <summary>One hash over every path, type, mode, link target and content under a root: equal hashes mean byte-identical trees.</summary>
public static class TreeHash
{
    public static string Of(string root, params string[] skipped)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in Describe(root, skipped))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>One line per entry: handy in an assertion message when two trees differ.</summary>
    public static IReadOnlyList<string> Describe(string root, params string[] skipped)
    {
        var lines = new List<string>();
        Walk(root, "", skipped, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(string root, string relative, string[] skipped, List<string> lines)
    {
        foreach (var info in new DirectoryInfo(Path.Join(root, relative)).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            var path = relative.Length == 0 ? info.Name : $"{relative}/{info.Name}";
            if (skipped.Any(s => path == s || path.StartsWith(s + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            if (info.LinkTarget is { } target)
            {
                lines.Add($"{path} symlink -> {target}");
            }
            else if (info is DirectoryInfo)
            {
                lines.Add($"{path} directory {Mode(info)}");
                Walk(root, path, skipped, lines);
            }
            else
            {
                lines.Add($"{path} file {Mode(info)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(info.FullName)))}");
            }
        }
    }

    private static string Mode(FileSystemInfo info) => Convert.ToString((int)info.UnixFileMode, 8);
}
