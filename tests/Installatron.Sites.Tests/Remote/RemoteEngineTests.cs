using Installatron.Core.Sites;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests.Remote;

/// <summary>
/// The file engine over SSH against a real sshd, for an account with a shell (work done on the server) and one limited
/// to SFTP (streamed): the same guarantees as on a local disk, checked on the files as the server holds them.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class RemoteEngineTests(SshServer server)
{
    private readonly PackageApplier _applier = new(TimeProvider.System);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BackupThenRestore_OverSsh_ByteIdenticalWithModesAndReadableLocally(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        WordPressFixture.WriteSite(site);
        File.SetUnixFileMode(Path.Join(site, "wp-content/uploads"), (UnixFileMode)0b111_101_000);
        Directory.CreateDirectory(folder[".appdata/backups"]);
        await folder.ChownAsync();
        var before = TreeHash.Describe(site);
        var archive = folder[".appdata/backups/update-1.tar.gz"];
        await using var files = await folder.ConnectAsync(server);

        var backup = await SiteBackup.CreateAsync(files, site, ["wp-content/cache"], archive, CancellationToken.None);
        SiteRestoreTests.Mess(site);
        await folder.ChownAsync();
        var restored = await SiteRestore.RestoreAsync(files, archive, site, ["wp-content/cache"], CancellationToken.None);

        Assert.Equal(before, TreeHash.Describe(site));
        Assert.True(restored.FilesWritten >= 3);
        var local = await SiteBackup.VerifyAsync(archive, CancellationToken.None);
        Assert.True(local.IsValid, string.Join("\n", local.Problems));
        Assert.Equal(backup.ArchiveSha256, local.ArchiveSha256);
        Assert.DoesNotContain(local.Manifest!.Entries, e => e.Path.StartsWith("wp-content/cache/", StringComparison.Ordinal));
        Assert.Equal(0b111_101_101, local.Manifest.Entries.Single(e => e.Path == "bin/cron.sh").Mode);
        Assert.Equal("uploads/2025/01/photo.jpg", local.Manifest.Entries.Single(e => e.Path == "wp-content/latest.jpg").LinkTarget);
        Assert.All(Directory.GetFiles(site, "*", SearchOption.AllDirectories), f => Assert.Equal(folder.Account.Login, Owner(f)));

        // With a shell the archive was written by GNU tar on the server (it records the owner); without, streamed from here.
        var uid = int.Parse(await SshServer.RunAsync("id", ["-u", folder.Account.Login]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(hasShell ? uid : 0, ArchiveOwner(archive, "site/index.php"));
    }

    private static int ArchiveOwner(string archive, string name)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress);
        using var tar = new System.Formats.Tar.TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == name)
            {
                return entry.Uid;
            }
        }

        throw new InvalidOperationException($"{name} is not in {archive}.");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Backup_CorruptedOnTheServer_VerificationFails(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        WordPressFixture.WriteSite(site);
        await folder.ChownAsync();
        var archive = folder["backup.tar.gz"];
        await using var files = await folder.ConnectAsync(server);
        await SiteBackup.CreateAsync(files, site, [], archive, CancellationToken.None);
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(archive, bytes);

        var verification = await SiteBackup.VerifyAsync(files, archive, CancellationToken.None);

        Assert.False(verification.IsValid);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ApplyThenVerify_OverSsh_SameTreeAsLocalApply(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        var packages = Path.Join(Path.GetTempPath(), "installatron-remote-packages", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(packages);
        try
        {
            WordPressFixture.WriteSite(site);
            WordPressFixture.WriteSite(folder["local-copy"]);
            await folder.ChownAsync();
            var oldPackage = WordPressFixture.WritePackage(packages, WordPressFixture.OldVersion);
            var newPackage = WordPressFixture.WritePackage(packages, WordPressFixture.NewVersion);
            await using var files = await folder.ConnectAsync(server);

            var result = await _applier.ApplyAsync(files,
                new ApplyRequest(site, newPackage, oldPackage, SiteRecipe.WordPress, folder[".appdata/staging/update-1"]), CancellationToken.None);
            await _applier.ApplyAsync(new ApplyRequest(folder["local-copy"], newPackage, oldPackage, SiteRecipe.WordPress, folder["local-staging"]), CancellationToken.None);

            Assert.Empty(await SiteVerifier.VerifyAgainstPackageAsync(files, site, newPackage, SiteRecipe.WordPress, CancellationToken.None));
            Assert.Equal(TreeHash.Describe(folder["local-copy"]), TreeHash.Describe(site));
            Assert.Equal(3 + 2, result.FilesWritten);
            Assert.False(Directory.Exists(folder[".appdata/staging/update-1"]));
            File.AppendAllText(Path.Join(site, "wp-login.php"), "// changed\n");
            var differences = await SiteVerifier.VerifyAgainstPackageAsync(files, site, newPackage, SiteRecipe.WordPress, CancellationToken.None);
            Assert.Equal("wp-login.php", Assert.Single(differences).Path);
        }
        finally
        {
            Directory.Delete(packages, recursive: true);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Apply_FolderLinkOutOfTheSite_RefusedNothingChanged(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        WordPressFixture.WriteSite(site);
        Directory.CreateDirectory(folder["elsewhere"]);
        Directory.Delete(Path.Join(site, "wp-admin"), recursive: true);
        File.CreateSymbolicLink(Path.Join(site, "wp-admin"), folder["elsewhere"]);
        await folder.ChownAsync();
        var before = TreeHash.Describe(folder.Path);
        var package = WordPressFixture.WritePackage(folder["."], WordPressFixture.NewVersion);
        await using var files = await folder.ConnectAsync(server);

        await Assert.ThrowsAsync<UnsafePathException>(() => _applier.ApplyAsync(files,
            new ApplyRequest(site, package, null, SiteRecipe.WordPress, folder["staging"]), CancellationToken.None));

        File.Delete(package);
        Assert.Equal(before, TreeHash.Describe(folder.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Apply_ZipSlipPackage_RefusedNothingChanged(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        WordPressFixture.WriteSite(site);
        await folder.ChownAsync();
        var before = TreeHash.Describe(folder.Path);
        var evil = Path.Join(Path.GetTempPath(), $"evil-{Guid.NewGuid():N}.zip");
        WordPressFixture.WriteZip(evil, [("index.php", "<?php\n"), ("../../escaped.php", "<?php system($_GET['c']);\n")]);
        await using var files = await folder.ConnectAsync(server);

        await Assert.ThrowsAsync<InvalidPackageException>(() => _applier.ApplyAsync(files,
            new ApplyRequest(site, evil, null, SiteRecipe.WordPress, folder["staging"]), CancellationToken.None));

        File.Delete(evil);
        Assert.Equal(before, TreeHash.Describe(folder.Path));
        Assert.False(File.Exists(Path.Join(folder.Account.Home, "escaped.php")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AccountFolder_SiteLinkLeadingOutOfTheHome_Refused(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var other = server.Account(!hasShell);
        File.CreateSymbolicLink(folder["public_html"], other.Home);
        File.CreateSymbolicLink(folder["etc"], "/etc");
        await folder.ChownAsync();
        await using var files = await folder.ConnectAsync(server);
        var account = AccountFolder.Open(files, folder.Account.Home);

        Assert.Throws<UnsafePathException>(() => account.Resolve(folder["public_html"], "The install's folder"));
        Assert.Throws<UnsafePathException>(() => account.Resolve(folder["etc"] + "/passwd", "The install's folder"));
        Assert.Equal(folder["real"], account.Resolve(folder["real"], "The install's folder"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restore_SymlinkPlantedInTheSite_ReplacedNeverWrittenThrough(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        var site = folder["public_html"];
        WordPressFixture.WriteSite(site);
        File.WriteAllText(folder["victim.txt"], "victim");
        await folder.ChownAsync();
        var archive = folder["backup.tar.gz"];
        await using var files = await folder.ConnectAsync(server);
        await SiteBackup.CreateAsync(files, site, [], archive, CancellationToken.None);
        var before = TreeHash.Describe(site);
        File.Delete(Path.Join(site, "wp-login.php"));
        File.CreateSymbolicLink(Path.Join(site, "wp-login.php"), folder["victim.txt"]);
        await folder.ChownAsync();

        await SiteRestore.RestoreAsync(files, archive, site, [], CancellationToken.None);

        Assert.Equal("victim", File.ReadAllText(folder["victim.txt"]));
        Assert.Equal(before, TreeHash.Describe(site));
    }

    [Fact]
    public async Task Verify_ServerStoppedMidway_FailsAsUnreachableHost()
    {
        await using var stopped = new SshServer();
        await stopped.InitializeAsync();
        await using var folder = RemoteFolder.Create(stopped.ShellAccount);
        WordPressFixture.WriteSite(folder["public_html"]);
        await folder.ChownAsync();
        await using var files = await SftpSiteFileSystem.ConnectAsync(stopped.Settings(stopped.ShellAccount), CancellationToken.None);

        stopped.Stop();

        await Assert.ThrowsAsync<RemoteHostException>(() => SiteBackup.CreateAsync(files, folder["public_html"], [], folder["b.tar.gz"], CancellationToken.None));
        await stopped.DisposeAsync();
    }

    private static string Owner(string path) => SshServer.RunAsync("stat", ["-c", "%U", path]).GetAwaiter().GetResult().Trim();
}
