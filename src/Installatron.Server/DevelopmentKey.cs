using System.Security.Cryptography;

namespace Installatron.Server;

/// <summary>Generated keys for local use, kept in the data folder so they survive restarts (readable by the owner only).</summary>
public static class DevelopmentKey
{
    /// <summary>The API key callers send (<c>dev-api-key</c>).</summary>
    public static string LoadOrCreate(string dataPath) =>
        LoadOrCreate(Path.Combine(dataPath, "dev-api-key"), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), 32);

    /// <summary>The key that seals remote locations' secrets (<c>dev-secrets-key</c>: 32 random bytes in base64).</summary>
    public static string LoadOrCreateSecretsKey(string dataPath) =>
        LoadOrCreate(Path.Combine(dataPath, "dev-secrets-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), 44);

    private static string LoadOrCreate(string file, Func<string> create, int minimumLength)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { } existing && existing.Length >= minimumLength)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = create();
        File.WriteAllText(file, key + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
