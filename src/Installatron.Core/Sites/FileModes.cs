namespace Installatron.Core.Sites;

/// <summary>Unix permission bits, read and written in one place (a no-op on Windows, which this engine does not serve).</summary>
internal static class FileModes
{
    public const int DefaultFile = 0b110_100_100; // 0644
    public const int DefaultDirectory = 0b111_101_101; // 0755
    public const int Symlink = 0b111_111_111; // 0777: what Linux reports for every symbolic link
    public const int OwnerAll = 0b111_000_000; // 0700
    public const int Mask = 0xFFF;

    public static int Of(FileSystemInfo info) => OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode & Mask;

    /// <summary>Sets the mode of a path known to be a real file or directory (chmod follows symbolic links).</summary>
    public static void Set(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & Mask));
        }
    }

    public static string Octal(int mode) => Convert.ToString(mode, 8).PadLeft(4, '0');
}
