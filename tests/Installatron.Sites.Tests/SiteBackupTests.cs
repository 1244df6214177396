using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Installatron.Core.Sites;
using Installatron.Processes;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class SiteBackupTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _archive;

    public SiteBackupTests()
    {
        _site = _temp["site"];
        _archive = _temp["backups/backup.tar.gz"];
        Directory.CreateDirectory(_temp["backups"]);
        WordPressFixture.WriteSite(_site);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreateAsync_WordPressSite_VerifiedArchiveOfEveryEntry()
    {
        var result = await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);

        var verification = await SiteBackup.VerifyAsync(_archive, CancellationToken.None);
        Assert.True(verification.IsValid, string.Join("\n", verification.Problems));
        var manifest = verification.Manifest!;
        var onDisk = Directory.EnumerateFileSystemEntries(_site, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Count();
        Assert.Equal(onDisk, manifest.Entries.Count);
        Assert.Equal(manifest.Files, result.Files);
        Assert.Equal(manifest.Entries.Select(e => e.Path).Order(StringComparer.Ordinal), manifest.Entries.Select(e => e.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_archive))), result.ArchiveSha256);
        Assert.Equal(result.ManifestSha256, verification.ManifestSha256);
        Assert.False(File.Exists(_archive + SiteBackup.PartialSuffix));

        var script = manifest.Entries.Single(e => e.Path == "bin/cron.sh");
        Assert.Equal(0b111_101_101, script.Mode);
        var link = manifest.Entries.Single(e => e.Path == "wp-content/latest.jpg");
        Assert.Equal((ManifestEntryTypes.Symlink, "uploads/2025/01/photo.jpg"), (link.Type, link.LinkTarget));
        Assert.Contains(manifest.Entries, e => e is { Path: "wp-content/upgrade", Type: ManifestEntryTypes.Directory });
        Assert.Contains(manifest.Entries, e => e is { Path: "wp-content/uploads/empty.txt", Size: 0 });
    }

    [Fact]
    public async Task CreateAsync_ExcludeFiles_LeftOutOfArchiveAndManifest()
    {
        await SiteBackup.CreateAsync(_site, ["wp-content/cache/", "wp-config.php"], _archive, CancellationToken.None);

        var manifest = await SiteBackup.ReadManifestAsync(_archive, CancellationToken.None);
        Assert.Equal(["wp-config.php", "wp-content/cache"], manifest.ExcludeFiles);
        Assert.DoesNotContain(manifest.Entries, e => SitePaths.IsSameOrUnder(e.Path, "wp-content/cache") || e.Path == "wp-config.php");
        Assert.Contains(manifest.Entries, e => e.Path == "wp-content/cache-notes.txt");
        Assert.DoesNotContain(ArchiveEntryNames(_archive), n => n.Contains("wp-content/cache/", StringComparison.Ordinal) || n.EndsWith("wp-config.php", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_CompleteArchiveExists_KeptAsIs()
    {
        var first = await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(_archive);
        File.WriteAllText(Path.Join(_site, "index.php"), "changed after the backup");

        var second = await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_archive));
    }

    [Fact]
    public async Task CreateAsync_PartialArchiveLeftByCrash_Replaced()
    {
        File.WriteAllText(_archive + SiteBackup.PartialSuffix, "half an archive");

        var result = await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);

        Assert.True((await SiteBackup.VerifyAsync(_archive, CancellationToken.None)).IsValid);
        Assert.False(File.Exists(_archive + SiteBackup.PartialSuffix));
        Assert.True(result.Files > 10);
    }

    [Fact]
    public async Task VerifyAsync_FlippedByte_InvalidAndEnsureValidThrows()
    {
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        var bytes = File.ReadAllBytes(_archive);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(_archive, bytes);

        var verification = await SiteBackup.VerifyAsync(_archive, CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.NotEmpty(verification.Problems);
        Assert.Throws<InvalidBackupException>(() => verification.EnsureValid());
    }

    [Fact]
    public async Task VerifyAsync_TruncatedArchive_Invalid()
    {
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        using (var stream = File.OpenWrite(_archive))
        {
            stream.SetLength(stream.Length - 100);
        }

        Assert.False((await SiteBackup.VerifyAsync(_archive, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task VerifyAsync_WellFormedArchiveWithSwappedContent_InvalidNamingTheFile()
    {
        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);
        var forged = _temp["backups/forged.tar.gz"];
        await RewriteAsync(_archive, forged, "site/wp-login.php", "<?php echo 'backdoor';\n");

        var verification = await SiteBackup.VerifyAsync(forged, CancellationToken.None);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("wp-login.php", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_MissingFile_Invalid()
    {
        var verification = await SiteBackup.VerifyAsync(_temp["backups/none.tar.gz"], CancellationToken.None);

        Assert.False(verification.IsValid);
    }

    [Fact]
    public async Task CreateAsync_SymlinkPointingOutside_StoredAsLinkNotFollowed()
    {
        Directory.CreateDirectory(_temp["outside"]);
        File.WriteAllText(_temp["outside/secret.txt"], "not part of the site");
        Directory.CreateSymbolicLink(Path.Join(_site, "shared"), _temp["outside"]);
        File.CreateSymbolicLink(Path.Join(_site, "passwd"), "/etc/passwd");

        await SiteBackup.CreateAsync(_site, [], _archive, CancellationToken.None);

        var manifest = await SiteBackup.ReadManifestAsync(_archive, CancellationToken.None);
        Assert.Contains(manifest.Entries, e => e is { Path: "shared", Type: ManifestEntryTypes.Symlink } && e.LinkTarget == _temp["outside"]);
        Assert.Contains(manifest.Entries, e => e is { Path: "passwd", Type: ManifestEntryTypes.Symlink, LinkTarget: "/etc/passwd" });
        Assert.DoesNotContain(manifest.Entries, e => e.Path.StartsWith("shared/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_FifoInSite_NeverOpenedStoredEmpty()
    {
        (await ChildProcess.RunAsync("mkfifo", [Path.Join(_site, "wp-content/pipe")], TimeSpan.FromSeconds(30))).EnsureSuccess();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await SiteBackup.CreateAsync(_site, [], _archive, timeout.Token).WaitAsync(timeout.Token);
        await SiteRestore.RestoreAsync(_archive, _site, [], timeout.Token).WaitAsync(timeout.Token);

        var manifest = await SiteBackup.ReadManifestAsync(_archive, CancellationToken.None);
        Assert.Contains(manifest.Entries, e => e is { Path: "wp-content/pipe", Type: ManifestEntryTypes.File, Size: 0 });
    }

    [Theory]
    [InlineData("../other-site")]
    [InlineData("/etc")]
    public async Task CreateAsync_ExcludeEscapingSite_Throws(string exclude) =>
        await Assert.ThrowsAsync<UnsafePathException>(() => SiteBackup.CreateAsync(_site, [exclude], _archive, CancellationToken.None));

    [Fact]
    public async Task CreateAsync_ArchiveInsideSite_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            SiteBackup.CreateAsync(_site, [], Path.Join(_site, "wp-content/backup.tar.gz"), CancellationToken.None));

    private static List<string> ArchiveEntryNames(string archive)
    {
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <summary>Copies an archive entry by entry, with the content of one file replaced: a valid tar.gz whose manifest lies.</summary>
    private static async Task RewriteAsync(string source, string target, string entryName, string content)
    {
        await using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        await using var reader = new TarReader(input);
        await using var output = new GZipStream(File.Create(target), CompressionLevel.Fastest);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (entry.Name == entryName)
            {
                entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
            }

            await writer.WriteEntryAsync(entry);
        }
    }
}
