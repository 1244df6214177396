using System.Diagnostics;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>A folder of this machine listed with one statx per entry says of each entry what lstat through .NET says.</summary>
public sealed class LocalListingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task List_FilesFoldersLinksFifoAndOddTimes_SameAsStat()
    {
        var folder = _temp["site"];
        Directory.CreateDirectory(Path.Join(folder, "wp-content"));
        File.SetUnixFileMode(Path.Join(folder, "wp-content"), (UnixFileMode)0b111_101_000);
        File.WriteAllText(Path.Join(folder, "index.php"), "<?php\n");
        File.WriteAllText(Path.Join(folder, ".htaccess"), "# rules\n");
        File.WriteAllText(Path.Join(folder, "wp-config.php"), "<?php // secret\n");
        File.SetUnixFileMode(Path.Join(folder, "wp-config.php"), (UnixFileMode)0b110_000_000);
        File.CreateSymbolicLink(Path.Join(folder, "link.php"), "index.php");
        Directory.CreateSymbolicLink(Path.Join(folder, "uploads"), "/nonexistent-installatron");
        await RunAsync("mkfifo", Path.Join(folder, "pipe"));
        // Nanoseconds no 100 ns tick holds, and a time before 1970.
        await RunAsync("touch", "-m", "-d", "2024-03-05 06:07:08.123456789 UTC", Path.Join(folder, "index.php"));
        await RunAsync("touch", "-m", "-d", "1969-12-31 23:59:58.25 UTC", Path.Join(folder, ".htaccess"));

        var listed = LocalSiteFileSystem.Instance.List(folder);

        Assert.Equal([".htaccess", "index.php", "link.php", "pipe", "uploads", "wp-config.php", "wp-content"],
            listed.Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
        foreach (var entry in listed)
        {
            Assert.Equal(Stat(Path.Join(folder, entry.Name)), entry.Info);
        }

        Assert.Equal(EntryKind.Symlink, listed.Single(e => e.Name == "uploads").Info.Kind);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 6, 7, 8, TimeSpan.Zero).AddTicks(1_234_567), listed.Single(e => e.Name == "index.php").Info.Modified);
    }

    /// <summary>What .NET's lstat says of a path (FileInfo, as the listing described entries before).</summary>
    private static SiteEntryInfo Stat(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return new SiteEntryInfo(EntryKind.Symlink, 0, 0b111_111_111, default);
        }

        return info.Attributes.HasFlag(FileAttributes.Directory)
            ? new SiteEntryInfo(EntryKind.Directory, 0, (int)new DirectoryInfo(path).UnixFileMode & 0xFFF, default)
            : new SiteEntryInfo(EntryKind.File, info.Length, (int)info.UnixFileMode & 0xFFF, info.LastWriteTimeUtc);
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        using var process = Process.Start(tool, args);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
