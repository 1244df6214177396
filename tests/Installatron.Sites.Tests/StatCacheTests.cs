using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>The stat cache beside an install's backups: unchanged files are not read again, anything doubtful is.</summary>
public sealed class StatCacheTests : IDisposable
{
    private readonly StoreSite _fixture = new();

    private string Site => _fixture.Site;

    public void Dispose() => _fixture.Dispose();

    private string CachePath => Path.Join(_fixture.Store.Root, "install1", "stat-cache");

    [Fact]
    public async Task CreateAsync_SecondBackupOfUnchangedSite_ReadsNoFile()
    {
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");

        var second = await BackupAsync("task2");

        Assert.True(first.FilesRead > 5);
        Assert.Equal(0, second.FilesRead);
        Assert.Equal(first.Backup.Manifest.Entries, second.Backup.Manifest.Entries);
        Assert.True(File.Exists(CachePath));
    }

    [Fact]
    public async Task CreateAsync_NothingChanged_CacheLeftAsItWas_ARemovedFileRewritesIt()
    {
        await PastTimestampGranularityAsync();
        await BackupAsync("task1");
        var written = new FileInfo(CachePath).LastWriteTimeUtc;
        var bytes = File.ReadAllBytes(CachePath);

        await BackupAsync("task2");

        Assert.Equal(written, new FileInfo(CachePath).LastWriteTimeUtc);
        Assert.Equal(bytes, File.ReadAllBytes(CachePath));
        Assert.Equal(["stat-cache"], Directory.GetFiles(Path.GetDirectoryName(CachePath)!, "stat-cache*").Select(Path.GetFileName)); // no partial left

        // One file fewer: the cache must not keep naming it.
        File.Delete(Path.Join(Site, "license.txt"));
        await BackupAsync("task3");
        Assert.NotEqual(written, new FileInfo(CachePath).LastWriteTimeUtc);
        Assert.Equal(0, (await BackupAsync("task4")).FilesRead);
    }

    [Fact]
    public async Task CreateAsync_FileRewrittenSameSizeAndMtime_ReadAgain()
    {
        var config = Path.Join(Site, "wp-config.php");
        var mtime = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(config, mtime);
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");
        var text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("'site'", "'SITE'", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(config, mtime);
        Assert.Equal(text.Length, new FileInfo(config).Length);
        Assert.NotEqual(text, File.ReadAllText(config));

        var second = await BackupAsync("task2");

        // Same size, same mtime, same inode: only the change time tells, and it does.
        Assert.Equal(1, second.FilesRead);
        Assert.Equal(Entry(first, "wp-config.php").Mtime, Entry(second, "wp-config.php").Mtime);
        Assert.Equal(StoreBackupTests.Sha256Of(config), Entry(second, "wp-config.php").Sha256);
        Assert.Equal(1, second.Backup.NewObjects);
    }

    [Fact]
    public async Task CreateAsync_FileTimeNotOlderThanTheBackup_NotTrustedNextTime()
    {
        await PastTimestampGranularityAsync();
        var config = Path.Join(Site, "wp-config.php");
        File.SetLastWriteTimeUtc(config, DateTime.UtcNow.AddHours(1));
        await BackupAsync("task1");

        var second = await BackupAsync("task2");

        // Its time is not strictly older than the first backup's start: it could have changed again unseen.
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public async Task CreateAsync_CacheCorrupt_EveryFileReadAndBackupRight()
    {
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");
        var bytes = File.ReadAllBytes(CachePath);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(CachePath, bytes);

        var second = await BackupAsync("task2");

        Assert.Equal(first.FilesRead, second.FilesRead);
        Assert.Equal(first.Backup.Manifest.Entries, second.Backup.Manifest.Entries);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("trailing bytes")]
    [InlineData("forged entry, old hash")]
    [InlineData("huge count")]
    public async Task CreateAsync_CacheBodyHostile_EveryFileReadAndBackupRight(string hostile)
    {
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");
        var body = Inflate(File.ReadAllBytes(CachePath));
        byte[] changed = hostile switch
        {
            "truncated" => body[..(body.Length / 2)],
            "trailing bytes" => [.. body, 0],
            // One path's SHA-256 (32 bytes before the trailing hash of the last entry) altered; the hash left as it was.
            "forged entry, old hash" => [.. body[..^64], .. body[^64..^32].Select(b => (byte)~b), .. body[^32..]],
            _ => HugeCount(body),
        };
        File.WriteAllBytes(CachePath, Deflate(changed));

        var second = await BackupAsync("task2");

        Assert.Equal(first.FilesRead, second.FilesRead);
        Assert.Equal(first.Backup.Manifest.Entries, second.Backup.Manifest.Entries);
    }

    /// <summary>The body with its entry count (after the format and root strings) set to int.MaxValue.</summary>
    private static byte[] HugeCount(byte[] body)
    {
        using var reader = new BinaryReader(new MemoryStream(body));
        reader.ReadString();
        reader.ReadString();
        var at = (int)reader.BaseStream.Position;
        var copy = body.ToArray();
        BitConverter.GetBytes(int.MaxValue).CopyTo(copy, at);
        return copy;
    }

    private static byte[] Inflate(byte[] gzip)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task CreateAsync_CacheIsAFifo_IgnoredWithoutBlocking()
    {
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");
        File.Delete(CachePath);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", CachePath))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }


        var second = await BackupAsync("task2").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(first.FilesRead, second.FilesRead);
    }

    [Fact]
    public async Task CreateAsync_ObjectGoneFromTheStore_FileReadAndStoredAgain()
    {
        await PastTimestampGranularityAsync();
        var first = await BackupAsync("task1");
        var photo = Entry(first, "wp-content/uploads/2025/01/photo.jpg").Sha256;
        File.Delete(_fixture.Store.ObjectPath(photo));

        var second = await BackupAsync("task2");

        Assert.Equal(1, second.FilesRead);
        Assert.Equal(1, second.Backup.NewObjects);
        Assert.True(_fixture.Store.Contains(photo));
        await StoredBackup.ReadAsync(_fixture.Store, second.DocumentPath, CancellationToken.None);
    }

    [Fact]
    public async Task CreateAsync_SiteMovedToAnotherRoot_CacheNotUsed()
    {
        await PastTimestampGranularityAsync();
        await BackupAsync("task1");
        var moved = _fixture.Temp["moved"];
        Directory.Move(Site, moved);

        var second = await _fixture.BackupAsync("task2", moved);

        Assert.True(second.FilesRead > 5);
    }

    [Fact]
    public async Task CreateAsync_FileReplacedByAnotherInode_ReadAgain()
    {
        await PastTimestampGranularityAsync();
        await BackupAsync("task1");
        var config = Path.Join(Site, "wp-config.php");
        var copy = Path.Join(Site, "copy.tmp");
        File.Copy(config, copy);
        File.Move(copy, config, overwrite: true);

        var second = await BackupAsync("task2");

        Assert.Equal(1, second.FilesRead);
    }

    private static ManifestEntry Entry(StoreBackupResult result, string path) => result.Backup.Manifest.Entries.Single(e => e.Path == path);

    /// <summary>The site was just written: wait until the clock of file times has moved on (else its files are "racy" and never cached).</summary>
    internal static Task PastTimestampGranularityAsync() => Task.Delay(50);

    private Task<StoreBackupResult> BackupAsync(string task) => _fixture.BackupAsync(task);
}
