using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class StoreCollectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly ContentStore _store;

    public StoreCollectorTests()
    {
        _site = _temp["site"];
        WordPressFixture.WriteSite(_site);
        _store = ContentStore.Open(_temp["backups"]);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CollectAsync_BackupDeleted_ItsOwnContentsRemovedSharedOnesKept()
    {
        await BackupAsync("task1");
        File.WriteAllBytes(Path.Join(_site, "wp-content/uploads/only-in-2.bin"), WordPressFixture.Bytes(3000, seed: 5));
        var second = await BackupAsync("task2");
        var onlyIn2 = StoreBackupTests.Sha256Of(Path.Join(_site, "wp-content/uploads/only-in-2.bin"));
        var shared = StoreBackupTests.Sha256Of(Path.Join(_site, "wp-config.php"));
        File.Delete(second.DocumentPath);

        var result = await StoreCollector.CollectAsync(_store, TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

        Assert.False(result.Busy);
        Assert.Equal(1, result.Backups);
        Assert.Equal(1, result.ObjectsRemoved);
        Assert.False(_store.Contains(onlyIn2));
        Assert.True(_store.Contains(shared));
        await StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, _store, _store.DocumentPath("install1", "task1"), null, _site, [], CancellationToken.None);
    }

    [Fact]
    public async Task CollectAsync_UnreferencedButYoungerThanGrace_Kept()
    {
        var backup = await BackupAsync("task1");
        File.Delete(backup.DocumentPath);

        var result = await StoreCollector.CollectAsync(_store, TimeSpan.FromHours(1), TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, result.ObjectsRemoved);
        Assert.All(backup.Backup.StoredHashes(), h => Assert.True(_store.Contains(h)));
    }

    [Fact]
    public async Task CollectAsync_WhileABackupIsWritten_NeverRemovesWhatItNeeds()
    {
        // Many files, so the backup takes long enough for collections to run beside it; an older backup of the same
        // contents was deleted, so every object the new backup reuses is unreferenced and past the grace period.
        for (var i = 0; i < 400; i++)
        {
            WordPressFixture.Write(_site, $"wp-content/uploads/many/{i:D4}.txt", $"file {i}\n" + new string('x', i * 7));
        }

        var old = await BackupAsync("old");
        File.Delete(old.DocumentPath);
        var ages = DateTime.UtcNow.AddDays(-2);
        foreach (var (_, path, _, _) in _store.Objects().ToList())
        {
            File.SetLastWriteTimeUtc(path, ages);
        }

        using var stop = new CancellationTokenSource();
        var busy = 0;
        var collections = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await StoreCollector.CollectAsync(_store, TimeSpan.Zero, TimeProvider.System, CancellationToken.None);
                busy += result.Busy ? 1 : 0;
            }
        });

        var before = TreeHash.Of(_site);
        var written = await BackupAsync("new");
        await stop.CancelAsync();
        await collections;
        SiteRestoreTests.Mess(_site);

        await StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, _store, written.DocumentPath, null, _site, [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.True(busy > 0, "no collection ran while the backup was written");
        var after = await StoreCollector.CollectAsync(_store, TimeSpan.Zero, TimeProvider.System, CancellationToken.None);
        Assert.Equal(0, after.ObjectsRemoved);
    }

    [Fact]
    public async Task CollectAsync_DocumentUnreadable_Throws_NothingRemoved()
    {
        var backup = await BackupAsync("task1");
        Directory.CreateDirectory(Path.GetDirectoryName(_store.DocumentPath("install9", "broken"))!);
        File.WriteAllText(_store.DocumentPath("install9", "broken"), "{ not json");

        await Assert.ThrowsAsync<InvalidBackupException>(() => StoreCollector.CollectAsync(_store, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));

        Assert.All(backup.Backup.StoredHashes(), h => Assert.True(_store.Contains(h)));
    }

    [Fact]
    public async Task CollectAsync_ObjectFolderLinkedOutside_NothingOutsideRemoved()
    {
        var backup = await BackupAsync("task1");
        File.Delete(backup.DocumentPath);
        var outside = _temp["outside"];
        Directory.CreateDirectory(outside);
        var victim = Path.Join(outside, new string('f', 64) + ".zst");
        File.WriteAllText(victim, "another account's file");
        File.SetLastWriteTimeUtc(victim, DateTime.UtcNow.AddDays(-9));
        Directory.CreateSymbolicLink(Path.Join(_store.ObjectsFolder, "zz"), outside);

        await StoreCollector.CollectAsync(_store, TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

        Assert.True(File.Exists(victim));
    }

    [Fact]
    public void Open_StoreFolderIsALink_RefusedNothingWrittenThere()
    {
        var outside = _temp["outside"];
        Directory.CreateDirectory(outside);
        var root = _temp["linked-backups"];
        Directory.CreateDirectory(root);
        Directory.CreateSymbolicLink(Path.Join(root, ContentStore.StoreFolder), outside);

        Assert.Throws<UnsafePathException>(() => ContentStore.Open(root));

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    private Task<StoreBackupResult> BackupAsync(string task) =>
        StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, _site, [], _store, _store.DocumentPath("install1", task), null, [], CancellationToken.None);
}
