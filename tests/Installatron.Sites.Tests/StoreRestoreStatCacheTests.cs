using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>A restore from the store does not read the files the install's stat cache knows unchanged; anything doubtful it reads.</summary>
public sealed class StoreRestoreStatCacheTests : IDisposable
{
    private readonly StoreSite _fixture = new();

    private string Site => _fixture.Site;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task RestoreAsync_OneFileChanged_OthersNotReadAndTreeRestored()
    {
        var tree = await BackUpAsync();
        var backup = await StoredBackup.ReadAsync(_fixture.Store, _fixture.Store.DocumentPath("install1", "task1"), CancellationToken.None);
        File.AppendAllText(Path.Join(Site, "index.php"), "// changed\n");
        File.WriteAllText(Path.Join(Site, "extra.php"), "<?php\n");

        var result = await _fixture.RestoreAsync("task1");

        Assert.Equal(tree, TreeHash.Describe(Site));
        Assert.Equal(1, result.FilesWritten);
        var nonEmpty = backup.Backup.Manifest.Entries.Count(e => e.Type == ManifestEntryTypes.File && e.Size > 0);
        Assert.Equal(nonEmpty - 1, result.FilesNotRead);
    }

    [Fact]
    public async Task RestoreAsync_FileRewrittenSameSizeAndMtime_WrittenBackFromTheBackup()
    {
        var config = Path.Join(Site, "wp-config.php");
        var mtime = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(config, mtime);
        var tree = await BackUpAsync();
        var text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("'site'", "'SITE'", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(config, mtime);
        Assert.NotEqual(tree, TreeHash.Describe(Site));

        var result = await _fixture.RestoreAsync("task1");

        // Same size, mode, mtime and inode: only the change time tells the cache's entry is stale, and it does.
        Assert.Equal(1, result.FilesWritten);
        Assert.Equal(tree, TreeHash.Describe(Site));
    }

    [Fact]
    public async Task RestoreAsync_ModeChanged_FileWrittenBackWithItsMode()
    {
        var tree = await BackUpAsync();
        File.SetUnixFileMode(Path.Join(Site, "index.php"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await _fixture.RestoreAsync("task1");

        Assert.Equal(tree, TreeHash.Describe(Site));
        Assert.Equal(1, result.FilesWritten);
    }

    [Fact]
    public async Task RestoreAsync_CacheCorrupt_EveryFileReadAndTreeRestored()
    {
        var tree = await BackUpAsync();
        var cache = Path.Join(_fixture.Store.Root, "install1", "stat-cache");
        var bytes = File.ReadAllBytes(cache);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(cache, bytes);
        File.AppendAllText(Path.Join(Site, "index.php"), "// changed\n");

        var result = await _fixture.RestoreAsync("task1");

        Assert.Equal(tree, TreeHash.Describe(Site));
        Assert.Equal(0, result.FilesNotRead);
        Assert.Equal(1, result.FilesWritten);
    }

    [Fact]
    public async Task RestoreAsync_IntoAnotherRoot_CacheNotUsed()
    {
        var tree = await BackUpAsync();
        var other = _fixture.Temp["other"];

        var result = await StoreRestore.RestoreAsync(Core.Sites.Access.LocalSiteFileSystem.Instance, _fixture.Store,
            _fixture.Store.DocumentPath("install1", "task1"), _fixture.Package.ZipPath, other, [], CancellationToken.None);

        Assert.Equal(tree, TreeHash.Describe(other));
        Assert.Equal(0, result.FilesNotRead);
    }

    /// <summary>Backs the site up (its files old enough to be cached) as task1; returns the tree it holds.</summary>
    private async Task<IReadOnlyList<string>> BackUpAsync()
    {
        await StatCacheTests.PastTimestampGranularityAsync();
        var tree = TreeHash.Describe(Site);
        await _fixture.BackupAsync("task1");
        return tree;
    }
}
