using Installatron.Core.Sites.Access.Sftp;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests.Remote;

/// <summary>One sshd for every remote test class of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class SshCollection : ICollectionFixture<SshServer>
{
    public const string Name = "sshd";
}

/// <summary>A folder of one test inside an SSH account's home, owned by that account, removed at the end.</summary>
public sealed class RemoteFolder : IAsyncDisposable
{
    private RemoteFolder(SshAccount account, string path)
    {
        Account = account;
        Path = path;
    }

    public SshAccount Account { get; }

    /// <summary>The folder's path, the same on the server and here (the server is this machine).</summary>
    public string Path { get; }

    public string this[string relative] => System.IO.Path.Join(Path, relative);

    public static RemoteFolder Create(SshAccount account)
    {
        var path = System.IO.Path.Join(account.Home, "t-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return new RemoteFolder(account, path);
    }

    /// <summary>Hands everything written here (as root) to the account.</summary>
    public Task ChownAsync() => SshServer.ChownAsync(Account, Path);

    public async Task<SftpSiteFileSystem> ConnectAsync(SshServer server, bool useKey = false) =>
        await SftpSiteFileSystem.ConnectAsync(server.Settings(Account, useKey), CancellationToken.None);

    public async ValueTask DisposeAsync() => await SshServer.RunAsync("rm", ["-rf", "--", Path], allowFailure: true);
}
