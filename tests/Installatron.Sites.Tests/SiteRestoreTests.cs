using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class SiteRestoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _archive;

    public SiteRestoreTests()
    {
        _site = _temp["site"];
        _archive = _temp["backup.tar.gz"];
        WordPressFixture.WriteSite(_site);
        File.SetUnixFileMode(Path.Join(_site, "wp-content/uploads"), (UnixFileMode)0b111_101_000);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RestoreAsync_ModifiedTree_ByteIdenticalToBackup()
    {
        var before = TreeHash.Describe(_site);
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        Mess(_site);
        Assert.NotEqual(before, TreeHash.Describe(_site));

        var result = await SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Describe(_site));
        Assert.True(result.FilesWritten >= 3);
        Assert.True(result.EntriesRemoved >= 3);
    }

    [Fact]
    public async Task RestoreAsync_Twice_SameTreeAndNothingRewritten()
    {
        var before = TreeHash.Of(_site);
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        Mess(_site);

        await SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None);
        var second = await SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.Equal(new RestoreResult(0, second.FilesUnchanged, 0), second);
    }

    [Fact]
    public async Task RestoreAsync_ExcludedPaths_LeftAsTheyAre()
    {
        string[] excludes = ["wp-content/cache"];
        var before = TreeHash.Of(_site, excludes);
        await SiteBackup.CreateAsync(_site, excludes, _archive, CancellationToken.None);
        Mess(_site);
        File.WriteAllText(Path.Join(_site, "wp-content/cache/page-1.html"), "fresher cache");
        File.WriteAllText(Path.Join(_site, "wp-content/cache/page-2.html"), "new cache");

        await SiteRestore.RestoreAsync(_archive, _site, excludes, CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site, excludes));
        Assert.Equal("fresher cache", File.ReadAllText(Path.Join(_site, "wp-content/cache/page-1.html")));
        Assert.Equal("new cache", File.ReadAllText(Path.Join(_site, "wp-content/cache/page-2.html")));
    }

    [Fact]
    public async Task RestoreAsync_DirectoryReplacedBySymlinkOutside_RealDirectoryBackOutsideUntouched()
    {
        var before = TreeHash.Of(_site);
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        Directory.CreateDirectory(_temp["outside"]);
        File.WriteAllText(_temp["outside/version.php"], "outside");
        Directory.Delete(Path.Join(_site, "wp-includes"), recursive: true);
        Directory.CreateSymbolicLink(Path.Join(_site, "wp-includes"), _temp["outside"]);

        await SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site));
        Assert.Equal(["version.php"], Directory.GetFiles(_temp["outside"]).Select(Path.GetFileName));
        Assert.Equal("outside", File.ReadAllText(_temp["outside/version.php"]));
    }

    [Fact]
    public async Task RestoreAsync_CorruptArchive_ThrowsAndSiteUntouched()
    {
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        Mess(_site);
        var messed = TreeHash.Of(_site);
        var bytes = File.ReadAllBytes(_archive);
        bytes[bytes.Length / 3] ^= 0xFF;
        File.WriteAllBytes(_archive, bytes);

        await Assert.ThrowsAsync<InvalidBackupException>(() => SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None));

        Assert.Equal(messed, TreeHash.Of(_site));
    }

    [Fact]
    public async Task RestoreAsync_SiteDeleted_Recreated()
    {
        var before = TreeHash.Of(_site);
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        Directory.Delete(_site, recursive: true);

        await SiteRestore.RestoreAsync(_archive, _site, [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(_site));
    }

    /// <summary>What a failed update leaves behind: changed, added and deleted files and folders, a new mode, new and retargeted links.</summary>
    internal static void Mess(string site)
    {
        File.WriteAllText(Path.Join(site, "wp-includes/version.php"), "<?php\n$wp_version = '6.7.3';\n");
        File.WriteAllText(Path.Join(site, "wp-login.php"), "<?php\necho 'LOGIN';\n");
        WordPressFixture.Write(site, "wp-includes/new-in-673.php", "<?php\n");
        WordPressFixture.Write(site, "wp-admin/css/colors/new.css", ".new { }\n");
        File.Delete(Path.Join(site, "license.txt"));
        Directory.Delete(Path.Join(site, "wp-content/plugins/hello"), recursive: true);
        File.SetUnixFileMode(Path.Join(site, "bin/cron.sh"), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(Path.Join(site, "wp-admin"), (UnixFileMode)0b111_000_000);
        File.CreateSymbolicLink(Path.Join(site, "wp-content/new-link"), "/etc/passwd");
        File.Delete(Path.Join(site, "wp-content/latest.jpg"));
        File.CreateSymbolicLink(Path.Join(site, "wp-content/latest.jpg"), "index.php");
        Directory.Delete(Path.Join(site, "wp-content/upgrade"));
        File.WriteAllText(Path.Join(site, "wp-content/upgrade"), "a file where a folder was");
        File.WriteAllText(Path.Join(site, ".maintenance"), "<?php $upgrading = 1; ?>");
    }
}
