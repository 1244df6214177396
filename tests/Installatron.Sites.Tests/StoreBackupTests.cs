using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class StoreBackupTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly ContentStore _store;
    private readonly PackageSource _package;

    public StoreBackupTests()
    {
        _site = _temp["site"];
        WordPressFixture.WriteSite(_site);
        File.SetUnixFileMode(Path.Join(_site, "wp-content/uploads"), (UnixFileMode)0b111_101_000);
        _store = ContentStore.Open(_temp["backups"]);
        Directory.CreateDirectory(_temp["packages"]);
        var zip = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.OldVersion);
        _package = new PackageSource(zip, new PackageReference("wordpress", WordPressFixture.OldVersion, Sha256Of(zip)));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RestoreAsync_ModifiedTree_ByteIdenticalToBackup()
    {
        var before = TreeHash.Describe(_site);
        await BackupAsync("task1");
        SiteRestoreTests.Mess(_site);
        Assert.NotEqual(before, TreeHash.Describe(_site));

        var result = await RestoreAsync("task1");

        Assert.Equal(before, TreeHash.Describe(_site));
        Assert.True(result.FilesWritten >= 3);
        Assert.True(result.EntriesRemoved >= 3);
    }

    [Fact]
    public async Task CreateAsync_CoreFilesOfThePackage_ReferencedNotStored()
    {
        var result = await BackupAsync("task1");

        var core = WordPressFixture.CoreFiles(WordPressFixture.OldVersion);
        var untouchedCore = core.Where(kv => kv.Key != "wp-content/plugins/akismet/akismet.php").ToList();
        Assert.Equal(_package.Reference, result.Backup.Package);
        foreach (var (path, content) in untouchedCore)
        {
            var sha256 = WordPressFixture.Sha256(content);
            Assert.Equal(path, result.Backup.FromPackage![sha256]);
            Assert.False(_store.Contains(sha256), path);
        }

        // The user's own files are in the store: the photo, the config, the plugin the user updated.
        Assert.True(_store.Contains(Sha256Of(Path.Join(_site, "wp-content/uploads/2025/01/photo.jpg"))));
        Assert.True(_store.Contains(Sha256Of(Path.Join(_site, "wp-config.php"))));
        Assert.True(_store.Contains(Sha256Of(Path.Join(_site, "wp-content/plugins/akismet/akismet.php"))));
        Assert.Equal(result.Backup.StoredHashes().Count(), result.Backup.NewObjects);
    }

    [Fact]
    public async Task CreateAsync_SecondBackupOfUnchangedSite_WritesNoContent()
    {
        var first = await BackupAsync("task1");
        var objects = _store.Objects().Select(o => o.Path).Order().ToList();

        var second = await BackupAsync("task2");

        Assert.True(first.Backup.NewObjects > 0);
        Assert.Equal(0, second.Backup.NewObjects);
        Assert.Equal(0, second.Backup.NewBytes);
        Assert.Equal(objects, _store.Objects().Select(o => o.Path).Order());
        Assert.Equal(first.Backup.Manifest.Entries, second.Backup.Manifest.Entries);
    }

    [Fact]
    public async Task CreateAsync_DocumentAlreadyThere_KeptAsTaken()
    {
        var first = await BackupAsync("task1");
        File.WriteAllText(Path.Join(_site, "wp-config.php"), "<?php // changed after the backup was taken\n");

        var again = await BackupAsync("task1");

        Assert.Equal(first.DocumentSha256, again.DocumentSha256);
    }

    [Fact]
    public async Task CreateAsync_LargeFile_StoredOnceAndRestored()
    {
        var big = Path.Join(_site, "wp-content/uploads/video.bin");
        File.WriteAllBytes(big, WordPressFixture.Bytes(ContentStore.SmallFile * 3 + 17, seed: 3));
        var before = TreeHash.Of(_site);
        var first = await BackupAsync("task1");
        var second = await BackupAsync("task2");
        File.WriteAllText(big, "truncated");

        await RestoreAsync("task2");

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.True(_store.Contains(Sha256Of(big)));
        Assert.Equal(0, second.Backup.NewObjects);
        Assert.True(first.Backup.NewObjects > 0);
    }

    [Fact]
    public async Task RestoreAsync_Twice_SameTreeAndNothingRewritten()
    {
        var before = TreeHash.Of(_site);
        await BackupAsync("task1");
        SiteRestoreTests.Mess(_site);

        await RestoreAsync("task1");
        var second = await RestoreAsync("task1");

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.Equal(new RestoreResult(0, second.FilesUnchanged, 0) { FilesNotRead = second.FilesNotRead }, second);
    }

    [Fact]
    public async Task RestoreAsync_ExcludedPaths_LeftAsTheyAre()
    {
        string[] excludes = ["wp-content/cache"];
        var before = TreeHash.Of(_site, excludes);
        await BackupAsync("task1", excludes);
        SiteRestoreTests.Mess(_site);
        File.WriteAllText(Path.Join(_site, "wp-content/cache/page-1.html"), "fresher cache");

        await StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, _store, _store.DocumentPath("install1", "task1"), _package.ZipPath, _site, excludes,
            CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site, excludes));
        Assert.Equal("fresher cache", File.ReadAllText(Path.Join(_site, "wp-content/cache/page-1.html")));
    }

    [Fact]
    public async Task RestoreAsync_DirectoryReplacedBySymlinkOutside_RealDirectoryBackOutsideUntouched()
    {
        var before = TreeHash.Of(_site);
        await BackupAsync("task1");
        Directory.CreateDirectory(_temp["outside"]);
        File.WriteAllText(_temp["outside/version.php"], "outside");
        Directory.Delete(Path.Join(_site, "wp-includes"), recursive: true);
        Directory.CreateSymbolicLink(Path.Join(_site, "wp-includes"), _temp["outside"]);

        await RestoreAsync("task1");

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.Equal("outside", File.ReadAllText(_temp["outside/version.php"]));
    }

    [Fact]
    public async Task RestoreAsync_ObjectMissing_RefusedAndSiteUntouched()
    {
        var backup = await BackupAsync("task1");
        SiteRestoreTests.Mess(_site);
        var messed = TreeHash.Of(_site);
        File.Delete(_store.ObjectPath(backup.Backup.StoredHashes().First()));

        var error = await Assert.ThrowsAsync<InvalidBackupException>(() => RestoreAsync("task1"));

        Assert.Contains("missing from the store", error.Message);
        Assert.Equal(messed, TreeHash.Of(_site));
    }

    [Fact]
    public async Task RestoreAsync_ObjectCorrupt_ThrowsAndThatFileNotOverwritten()
    {
        await BackupAsync("task1");
        var config = Path.Join(_site, "wp-config.php");
        var object_ = _store.ObjectPath(Sha256Of(config));
        File.SetUnixFileMode(object_, (UnixFileMode)0b110_100_100);
        await using (var swapped = File.Create(object_))
        await using (var zstd = new ZstdSharp.CompressionStream(swapped))
        {
            zstd.Write("<?php // not what was backed up\n"u8);
        }

        File.WriteAllText(config, "<?php // the owner's newer config\n");

        await Assert.ThrowsAsync<InvalidBackupException>(() => RestoreAsync("task1"));

        Assert.Equal("<?php // the owner's newer config\n", File.ReadAllText(config));
    }

    [Fact]
    public async Task RestoreAsync_PackageNotAtHand_Refused()
    {
        await BackupAsync("task1");
        SiteRestoreTests.Mess(_site);
        var messed = TreeHash.Of(_site);

        await Assert.ThrowsAsync<InvalidBackupException>(() => StoreRestore.RestoreAsync(
            LocalSiteFileSystem.Instance, _store, _store.DocumentPath("install1", "task1"), null, _site, [], CancellationToken.None));

        Assert.Equal(messed, TreeHash.Of(_site));
    }

    [Fact]
    public async Task RestoreAsync_SiteDeleted_Recreated()
    {
        var before = TreeHash.Of(_site);
        await BackupAsync("task1");
        Directory.Delete(_site, recursive: true);

        await RestoreAsync("task1");

        Assert.Equal(before, TreeHash.Of(_site));
    }

    [Fact]
    public async Task ExtractAttachmentAsync_DumpStoredBeside_ComesBackIdentical()
    {
        var dump = _temp["tables.jsonl.gz"];
        File.WriteAllBytes(dump, WordPressFixture.Bytes(5000, seed: 11));
        await StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, _site, [], _store, _store.DocumentPath("install1", "task1"), _package,
            [new BackupAttachment("tables.jsonl.gz", dump)], CancellationToken.None);

        var extracted = _temp["extracted.jsonl.gz"];
        var attachment = await StoreRestore.ExtractAttachmentAsync(_store, _store.DocumentPath("install1", "task1"), "tables.jsonl.gz", extracted,
            CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(dump), File.ReadAllBytes(extracted));
        Assert.Equal(Sha256Of(dump), attachment.Sha256);
    }

    [Fact]
    public async Task CreateAsync_TwoSitesOfTheSameVersion_ShareTheirContents()
    {
        var other = _temp["other"];
        WordPressFixture.WriteSite(other);
        File.WriteAllText(Path.Join(other, "wp-config.php"), "<?php\ndefine('DB_NAME', 'other');\n");
        await BackupAsync("task1");

        var second = await StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, other, [], _store, _store.DocumentPath("install2", "task9"), _package, [],
            CancellationToken.None);

        Assert.Equal(1, second.Backup.NewObjects);
    }

    internal static string Sha256Of(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task CreateAsync_SitesOfOneAccountBackedUpAtOnce_EveryBackupWrittenAndThePackageIndexedOnce()
    {
        // Seen in a rollout: two installs of one account backed up at the same moment indexed the same package, and
        // one rename found the other's temporary file gone. A package of many files keeps
        // the backups (one per core) indexing it at once, and rounds repeat the race.
        Directory.CreateDirectory(_temp["large"]);
        var zip = WordPressFixture.WritePackage(_temp["large"], "6.8.0",
            Enumerable.Range(0, 3000).Select(i => ($"wp-includes/blocks/block{i}.php", $"<?php // block {i}\n")));
        var package = new PackageSource(zip, new PackageReference("wordpress", "6.8.0", Sha256Of(zip)));
        var packages = Path.Join(_temp["backups"], ".store", "packages");

        for (var round = 0; round < 25; round++)
        {
            if (Directory.Exists(packages))
            {
                Directory.Delete(packages, recursive: true);
            }

            var backups = Enumerable.Range(0, Environment.ProcessorCount).Select(i => Task.Run(() => StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, _site, [],
                ContentStore.Open(_temp["backups"]), _store.DocumentPath($"install{i}", $"task{round}"), package, [], CancellationToken.None)));

            var results = await Task.WhenAll(backups);

            Assert.All(results, result => Assert.Equal(package.Reference, result.Backup.Package));
            Assert.Single(Directory.EnumerateFileSystemEntries(packages));
        }
    }

    private Task<StoreBackupResult> BackupAsync(string task, string[]? excludes = null) =>
        StoreBackup.CreateAsync(LocalSiteFileSystem.Instance, _site, excludes ?? [], _store, _store.DocumentPath("install1", task), _package, [],
            CancellationToken.None);

    private Task<RestoreResult> RestoreAsync(string task) =>
        StoreRestore.RestoreAsync(LocalSiteFileSystem.Instance, _store, _store.DocumentPath("install1", task), _package.ZipPath, _site, [],
            CancellationToken.None);
}
