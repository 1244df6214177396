using System.Security.Cryptography;

namespace Installatron.Server;

/// <summary>A generated API key for local use, kept in the data folder so it survives restarts.</summary>
public static class DevelopmentKey
{
    public static string LoadOrCreate(string dataPath)
    {
        var file = Path.Combine(dataPath, "dev-api-key");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 32 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(dataPath);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(file, key + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
