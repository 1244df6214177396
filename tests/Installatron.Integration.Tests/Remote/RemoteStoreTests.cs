using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Core.Sites.Store;
using Installatron.Core.Sites.Store.Blob;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// A remote site's backups in the account's content-addressed store in a blob container (Azurite), over a real sshd:
/// contents of the installed version's package referenced, contents the store holds neither read over SSH (hashed on
/// the server when the account has a shell) nor uploaded again; restored byte-identical; collected by mark and sweep.
/// </summary>
[Collection(RemoteSitesCollection.Name)]
public sealed class RemoteStoreTests(IsolatedSshServer ssh) : IAsyncLifetime
{
    private static readonly string[] Excludes = ["wp-content/cache"];
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly string _scratch = Directory.CreateTempSubdirectory("remote-store-").FullName;
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync()
    {
        var azurite = await SharedAzurite.GetAsync();
        _container = new BlobContainerClient(azurite.ConnectionString, "rstore-" + _id);
        await _container.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _container.DeleteIfExistsAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateAsync_SecondBackupOfAnUnchangedRemoteSite_NothingUploadedAndWithAShellNothingRead(bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var site = await RemoteSite.CreateAsync(ssh, account, _id);
        var package = Package();
        var store = new BlobContentStore(_container, "acct" + _id);
        var packageHashes = PackageHashes(package.ZipPath);
        var contents = LocalContents(site.LocalRoot);
        var newContents = contents.Values.Distinct().Count(h => !packageHashes.Contains(h));
        Assert.True(newContents >= 5);
        await using var sftp = await SftpSiteFileSystem.ConnectAsync(ssh.Settings(account), CancellationToken.None);

        var (files, counter) = CountingFileSystem.Over(sftp);
        var first = await BackupAsync(files, site.Root, store, "t1", package);
        var firstReads = counter.Reads;
        var (files2, counter2) = CountingFileSystem.Over(sftp);
        var second = await BackupAsync(files2, site.Root, store, "t2", package);

        Assert.Equal(newContents, first.Backup.NewObjects);
        Assert.Equal(newContents, (await store.ObjectHashesAsync(CancellationToken.None)).Count);
        Assert.NotEmpty(first.Backup.FromPackage!); // the package's contents referenced, not stored
        Assert.Equal(hasShell ? newContents : contents.Count, firstReads);
        Assert.Equal(0, second.Backup.NewObjects);
        Assert.Equal(hasShell ? 0 : contents.Count, counter2.Reads);
        Assert.Equal(first.Backup.Manifest.Entries, second.Backup.Manifest.Entries);

        // One file changed: with a shell, that one file is read and uploaded; without, every file is read, one uploaded.
        WordPressFixture.Write(site.LocalRoot, "wp-content/plugins/hello/hello.php", "<?php\n/* Plugin Name: Hello Dolly 2 */\n");
        await SshServer.ChownAsync(account, site.LocalRoot);
        var (files3, counter3) = CountingFileSystem.Over(sftp);
        var third = await BackupAsync(files3, site.Root, store, "t3", package);
        Assert.Equal(1, third.Backup.NewObjects);
        Assert.Equal(hasShell ? 1 : contents.Count, counter3.Reads);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FetchThenRestore_RemoteSiteChanged_ByteIdenticalWithModesAndLinks(bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var site = await RemoteSite.CreateAsync(ssh, account, _id);
        var package = Package();
        var store = new BlobContentStore(_container, "acct" + _id);
        await using var files = await SftpSiteFileSystem.ConnectAsync(ssh.Settings(account, useKey: !hasShell), CancellationToken.None);
        var version = Path.Join(site.LocalRoot, "wp-includes/version.php");
        var written = new DateTime(2024, 3, 5, 6, 7, 8, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(version, written);
        var before = TreeHash.Describe(site.LocalRoot, Excludes);
        var backup = await BackupAsync(files, site.Root, store, "t1", package);
        Mess(site.LocalRoot);
        await SshServer.ChownAsync(account, site.LocalRoot);
        Assert.NotEqual(before, TreeHash.Describe(site.LocalRoot, Excludes));

        var local = ContentStore.Open(Path.Join(_scratch, "restore"));
        var document = await BlobStoreRestore.FetchAsync(store, backup.DocumentPath, local, CancellationToken.None);
        var restored = await StoreRestore.RestoreAsync(files, local, document, package.ZipPath, site.Root, Excludes, CancellationToken.None);

        Assert.Equal(before, TreeHash.Describe(site.LocalRoot, Excludes));
        Assert.True(restored.FilesWritten >= 2);
        // Files carry their times in the document (to the second, as the server lists them) and get them back.
        Assert.All(backup.Backup.Manifest.Entries.Where(e => e.Type == ManifestEntryTypes.File), e => Assert.NotNull(e.Mtime));
        Assert.Equal(written, File.GetLastWriteTimeUtc(version));
        Assert.True(File.Exists(Path.Join(site.LocalRoot, "wp-content/cache/page-1.html"))); // excluded: left alone
        // Only the objects the backup stores came down; the package's contents came from the package.
        Assert.Equal(backup.Backup.StoredHashes().Count(), local.Objects().Count());
    }

    [Fact]
    public async Task FetchAsync_ObjectGoneFromTheContainer_RefusedNamingIt()
    {
        var account = ssh.ShellAccount;
        await using var site = await RemoteSite.CreateAsync(ssh, account, _id);
        var store = new BlobContentStore(_container, "acct" + _id);
        await using var files = await SftpSiteFileSystem.ConnectAsync(ssh.Settings(account), CancellationToken.None);
        var backup = await BackupAsync(files, site.Root, store, "t1", Package());
        var lost = backup.Backup.StoredHashes().First();
        await store.DeleteAsync(store.ObjectName(lost), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidBackupException>(() =>
            BlobStoreRestore.FetchAsync(store, backup.DocumentPath, ContentStore.Open(Path.Join(_scratch, "r")), CancellationToken.None));
        Assert.Contains(lost, error.Message);
    }

    [Fact]
    public async Task PutObjectAsync_ObjectAlreadyStored_SkippedAndLeftAsItWas()
    {
        var store = new BlobContentStore(_container, "acct" + _id);
        var staging = ContentStore.Open(Path.Join(_scratch, "staging"));
        var content = WordPressFixture.Bytes(10_000, seed: 3);
        var (sha256, _, _) = await StagingPutAsync(staging, content);

        Assert.True(await store.PutObjectAsync(sha256, staging.ObjectPath(sha256), CancellationToken.None));
        var etag = (await store.Blob(store.ObjectName(sha256)).GetPropertiesAsync()).Value.ETag;
        Assert.False(await store.PutObjectAsync(sha256, staging.ObjectPath(sha256), CancellationToken.None));

        Assert.Equal(etag, (await store.Blob(store.ObjectName(sha256)).GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task CollectAsync_BackupForgottenAndGracePassed_ItsOwnObjectsRemovedSharedOnesKept()
    {
        var account = ssh.ShellAccount;
        await using var site = await RemoteSite.CreateAsync(ssh, account, _id);
        var store = new BlobContentStore(_container, "acct" + _id);
        var package = Package();
        await using var files = await SftpSiteFileSystem.ConnectAsync(ssh.Settings(account), CancellationToken.None);
        var old = await BackupAsync(files, site.Root, store, "t1", package);
        WordPressFixture.Write(site.LocalRoot, "wp-config.php", "<?php\ndefine('DB_NAME', 'moved');\n");
        await SshServer.ChownAsync(account, site.LocalRoot);
        var kept = await BackupAsync(files, site.Root, store, "t2", package);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scratch = ContentStore.Open(Path.Join(_scratch, "collect"));

        var early = await BlobStoreCollector.CollectAsync(store, scratch, TimeSpan.FromHours(24), time, CancellationToken.None);
        await store.DeleteAsync(old.DocumentPath, CancellationToken.None);
        var withinGrace = await BlobStoreCollector.CollectAsync(store, scratch, TimeSpan.FromHours(24), time, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(25));
        var collected = await BlobStoreCollector.CollectAsync(store, scratch, TimeSpan.FromHours(24), time, CancellationToken.None);

        Assert.Equal((false, 2L, 0L), (early.Busy, early.Backups, early.ObjectsRemoved));
        Assert.Equal(0, withinGrace.ObjectsRemoved);
        Assert.Equal((false, 1L, 1L), (collected.Busy, collected.Backups, collected.ObjectsRemoved)); // the old wp-config.php
        var left = await store.ObjectHashesAsync(CancellationToken.None);
        Assert.True(left.SetEquals(kept.Backup.StoredHashes()));
        var local = ContentStore.Open(Path.Join(_scratch, "restore"));
        await BlobStoreRestore.FetchAsync(store, kept.DocumentPath, local, CancellationToken.None); // still whole
    }

    [Fact]
    public async Task CollectAsync_WhileABackupIsBeingWritten_BusyAndNothingRemoved()
    {
        var store = new BlobContentStore(_container, "acct" + _id);
        var staging = ContentStore.Open(Path.Join(_scratch, "staging"));
        var (sha256, _, _) = await StagingPutAsync(staging, WordPressFixture.Bytes(5_000, seed: 4));
        await store.PutObjectAsync(sha256, staging.ObjectPath(sha256), CancellationToken.None);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scratch = ContentStore.Open(Path.Join(_scratch, "collect"));

        CollectResult busy;
        await using (await BlobStoreMarkers.EnterWriterAsync(store, TimeSpan.FromHours(24), time, CancellationToken.None))
        {
            time.Advance(TimeSpan.FromMinutes(10));
            busy = await BlobStoreCollector.CollectAsync(store, scratch, TimeSpan.FromMinutes(30), time, CancellationToken.None);
        }

        time.Advance(TimeSpan.FromHours(1));
        var after = await BlobStoreCollector.CollectAsync(store, scratch, TimeSpan.FromMinutes(30), time, CancellationToken.None);

        Assert.True(busy.Busy);
        Assert.Equal((false, 1L), (after.Busy, after.ObjectsRemoved)); // unreferenced and older than the grace: removed once the writer left
    }

    private async Task<StoreBackupResult> BackupAsync(
        Core.Sites.Access.ISiteFileSystem files, string root, BlobContentStore store, string task, PackageSource package) =>
        await BlobStoreBackup.CreateAsync(files, root, Excludes, store, "inst" + _id, task, package, [],
            new BlobBackupOptions(ContentStore.Open(Path.Join(_scratch, "staging-" + task)), TimeSpan.FromHours(24), TimeProvider.System),
            CancellationToken.None);

    /// <summary>An object as the store writes it (zstd of the content, named by the content's SHA-256), in the staging store.</summary>
    private static async Task<(string Sha256, long Length, bool Written)> StagingPutAsync(ContentStore staging, byte[] content)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        Directory.CreateDirectory(Path.GetDirectoryName(staging.ObjectPath(sha256))!);
        using var compressor = new ZstdSharp.Compressor(ContentStore.CompressionLevel);
        await File.WriteAllBytesAsync(staging.ObjectPath(sha256), compressor.Wrap(content).ToArray());
        return (sha256, content.Length, true);
    }

    private PackageSource Package()
    {
        var zip = WordPressFixture.WritePackage(_scratch, WordPressFixture.OldVersion);
        using var stream = File.OpenRead(zip);
        return new PackageSource(zip, new PackageReference("wordpress", WordPressFixture.OldVersion, Convert.ToHexStringLower(SHA256.HashData(stream))));
    }

    private static HashSet<string> PackageHashes(string zip)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        return archive.Entries.Where(e => e.Length > 0).Select(e =>
        {
            using var s = e.Open();
            return Convert.ToHexStringLower(SHA256.HashData(s));
        }).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The site's non-empty regular files outside the excluded cache, by path, with their SHA-256.</summary>
    private static Dictionary<string, string> LocalContents(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f) is { LinkTarget: null, Length: > 0 })
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(p => !p.StartsWith("wp-content/cache/", StringComparison.Ordinal))
            .ToDictionary(p => p, p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Join(root, p)))));

    private static void Mess(string site)
    {
        File.WriteAllText(Path.Join(site, "wp-includes/version.php"), "<?php\n$wp_version = '6.7.3';\n");
        WordPressFixture.Write(site, "wp-includes/new-in-673.php", "<?php\n");
        File.Delete(Path.Join(site, "license.txt"));
        File.Delete(Path.Join(site, "wp-config.php"));
        Directory.Delete(Path.Join(site, "wp-content/plugins/hello"), recursive: true);
        File.SetUnixFileMode(Path.Join(site, "bin/cron.sh"), (UnixFileMode)0b110_100_100);
        File.Delete(Path.Join(site, "wp-content/latest.jpg"));
        File.CreateSymbolicLink(Path.Join(site, "wp-content/latest.jpg"), "index.php");
    }

    /// <summary>A WordPress-like site in a folder of the account's home on the server, written here at its local path and handed to the login.</summary>
    private sealed class RemoteSite(string folder, string root, string localRoot) : IAsyncDisposable
    {
        public string Root { get; } = root;

        public string LocalRoot { get; } = localRoot;

        public static async Task<RemoteSite> CreateAsync(IsolatedSshServer ssh, SshAccount account, string id)
        {
            var folder = $"{account.Home}/rstore-{id}-{Guid.NewGuid().ToString("N")[..6]}";
            var root = folder + "/public_html";
            WordPressFixture.WriteSite(ssh.LocalPath(root));
            await SshServer.ChownAsync(account, ssh.LocalPath(folder));
            return new RemoteSite(ssh.LocalPath(folder), root, ssh.LocalPath(root));
        }

        public async ValueTask DisposeAsync() => await SshServer.RunAsync("rm", ["-rf", "--", folder], allowFailure: true);
    }
}
