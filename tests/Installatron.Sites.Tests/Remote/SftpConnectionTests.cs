using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests.Remote;

/// <summary>Connecting to a real sshd: host key pinning, logins, shell detection, and SFTP requests that act on links themselves.</summary>
[Collection(SshCollection.Name)]
public sealed class SftpConnectionTests(SshServer server)
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task ConnectAsync_PasswordOrKey_ShellFoundOnlyForShellAccount(bool hasShell, bool useKey)
    {
        await using var files = await SftpSiteFileSystem.ConnectAsync(server.Settings(server.Account(hasShell), useKey), CancellationToken.None);

        Assert.Equal(EntryKind.Directory, files.Stat(server.Account(hasShell).Home).Kind);
        Assert.Equal(hasShell, files.Shell is not null);
        if (hasShell)
        {
            Assert.Contains("sha256sum", files.Shell!.Tools);
            Assert.Contains("gnu-tar", files.Shell.Tools);
        }
    }

    [Fact]
    public async Task ConnectAsync_ChangedHostKey_RefusedNamingTheKeySeen()
    {
        var settings = server.Settings(server.ShellAccount) with { HostKeyFingerprint = server.OtherFingerprint };

        var refused = await Assert.ThrowsAsync<RemoteHostException>(() => SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None));

        Assert.Contains(server.Fingerprint, refused.Message, StringComparison.Ordinal);
        Assert.Contains(server.OtherFingerprint, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectAsync_WrongPassword_LoginRefusedWithoutThePassword(bool hasShell)
    {
        var settings = server.Settings(server.Account(hasShell)) with { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        var refused = await Assert.ThrowsAsync<RemoteLoginException>(() => SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None));

        Assert.DoesNotContain(settings.Password, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_WrongPassphrase_LoginRefusedWithoutSecrets()
    {
        var account = server.ShellAccount;
        var settings = server.Settings(account, useKey: true) with { PrivateKeyPassphrase = "not-the-passphrase" };

        var refused = await Assert.ThrowsAsync<RemoteLoginException>(() => SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None));

        Assert.DoesNotContain(account.Passphrase, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ClosedPort_HostUnreachable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = server.Settings(server.ShellAccount) with { Port = port };

        await Assert.ThrowsAsync<RemoteHostException>(() => SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LinkOperations_ActOnTheLinkItself_NeverItsTarget(bool hasShell)
    {
        await using var folder = RemoteFolder.Create(server.Account(hasShell));
        File.WriteAllText(folder["target.txt"], "target");
        File.CreateSymbolicLink(folder["link"], "target.txt");
        File.CreateSymbolicLink(folder["link2"], "target.txt");
        File.WriteAllText(folder["new.txt"], "new");
        await folder.ChownAsync();
        await using var files = await folder.ConnectAsync(server);

        Assert.Equal(EntryKind.Symlink, files.Stat(folder["link"]).Kind);
        Assert.Equal("target.txt", files.ReadLink(folder["link"]));
        Assert.Equal(folder["target.txt"], files.RealPath(folder["link"]));
        files.DeleteFile(folder["link"]);
        files.Rename(folder["new.txt"], folder["link2"]);
        files.CreateSymlink(folder["relative"], "../elsewhere/x");

        Assert.False(Path.Exists(folder["link"]));
        Assert.Equal("target", File.ReadAllText(folder["target.txt"]));
        Assert.Null(new FileInfo(folder["link2"]).LinkTarget);
        Assert.Equal("new", File.ReadAllText(folder["link2"]));
        Assert.Equal("../elsewhere/x", new FileInfo(folder["relative"]).LinkTarget);
        Assert.Equal(folder["missing/deeper"], files.RealPath(folder["missing/deeper"]));
    }

    [Fact]
    public async Task CreateNew_LinkAlreadyThere_Refused()
    {
        await using var folder = RemoteFolder.Create(server.SftpAccount);
        File.WriteAllText(folder["victim.txt"], "victim");
        File.CreateSymbolicLink(folder["planted"], "victim.txt");
        await folder.ChownAsync();
        await using var files = await folder.ConnectAsync(server);

        await Assert.ThrowsAnyAsync<IOException>(() => files.WriteNewAsync(folder["planted"], new MemoryStream([1, 2, 3]), CancellationToken.None));

        Assert.Equal("victim", File.ReadAllText(folder["victim.txt"]));
    }
}
