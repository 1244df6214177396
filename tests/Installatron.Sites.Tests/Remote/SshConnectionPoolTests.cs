using System.Net.Sockets;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Installatron.Sites.Tests.Remote;

/// <summary>Connections kept between the steps of an update, against a real sshd (logins counted in its log).</summary>
[Collection(SshCollection.Name)]
public sealed class SshConnectionPoolTests(SshServer server)
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RentAsync_ConnectionGivenBack_ReusedWithoutAnotherLogin(bool hasShell)
    {
        var account = server.Account(hasShell);
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        var first = await pool.RentAsync(server.Settings(account), CancellationToken.None);
        await pool.ReturnAsync(first, reusable: true);
        var logins = Logins(account);

        var second = await pool.RentAsync(server.Settings(account), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(EntryKind.Directory, second.Stat(account.Home).Kind);
        Assert.Equal(hasShell, second.Shell is not null);
        Assert.Equal(logins, Logins(account));
        await pool.ReturnAsync(second, reusable: false);
    }

    [Fact]
    public async Task RentAsync_OtherCredentialsOrAccount_NeverGivenThatConnection()
    {
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        var shell = await pool.RentAsync(server.Settings(server.ShellAccount), CancellationToken.None);
        await pool.ReturnAsync(shell, reusable: true);

        var withKey = await pool.RentAsync(server.Settings(server.ShellAccount, useKey: true), CancellationToken.None);
        var other = await pool.RentAsync(server.Settings(server.SftpAccount), CancellationToken.None);
        var wrongPassword = server.Settings(server.ShellAccount) with { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        Assert.NotSame(shell, withKey);
        Assert.NotSame(shell, other);
        await Assert.ThrowsAsync<RemoteLoginException>(() => pool.RentAsync(wrongPassword, CancellationToken.None));
        foreach (var files in new[] { withKey, other })
        {
            await pool.ReturnAsync(files, reusable: false);
        }
    }

    [Fact]
    public async Task Return_WithAForwardedPort_ThePortIsClosedWhileTheConnectionWaits()
    {
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        var files = await pool.RentAsync(server.Settings(server.ShellAccount), CancellationToken.None);
        var local = await files.ForwardAsync("127.0.0.1", server.Port, CancellationToken.None);
        Assert.True(await ConnectsAsync(local));

        await pool.ReturnAsync(files, reusable: true);

        Assert.False(await ConnectsAsync(local));
        var again = await pool.RentAsync(server.Settings(server.ShellAccount), CancellationToken.None);
        Assert.Same(files, again);
        var reopened = await again.ForwardAsync("127.0.0.1", server.Port, CancellationToken.None);
        Assert.True(await ConnectsAsync(reopened));
        await pool.ReturnAsync(again, reusable: false);
    }

    [Fact]
    public async Task Return_NotReusableOrNoIdleTime_ClosedAndNextRentLogsInAgain()
    {
        var account = server.ShellAccount;
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        await using var noIdle = new SshConnectionPool(TimeSpan.Zero, TimeProvider.System);
        var failed = await pool.RentAsync(server.Settings(account), CancellationToken.None);
        var unpooled = await noIdle.RentAsync(server.Settings(account), CancellationToken.None);

        await pool.ReturnAsync(failed, reusable: false);
        await noIdle.ReturnAsync(unpooled, reusable: true);

        Assert.False(failed.IsSound);
        Assert.False(unpooled.IsSound);
        var logins = Logins(account);
        var next = await pool.RentAsync(server.Settings(account), CancellationToken.None);
        Assert.NotSame(failed, next);
        Assert.Equal(logins + 2, Logins(account)); // the SFTP connection and the command connection
        await pool.ReturnAsync(next, reusable: false);
    }

    [Fact]
    public async Task RentAsync_IdleLongerThanTheIdleTime_ClosedAndReplaced()
    {
        var time = new FakeTimeProvider();
        await using var pool = new SshConnectionPool(Idle, time);
        var first = await pool.RentAsync(server.Settings(server.SftpAccount), CancellationToken.None);
        await pool.ReturnAsync(first, reusable: true);

        time.Advance(Idle + TimeSpan.FromSeconds(1));
        var second = await pool.RentAsync(server.Settings(server.SftpAccount), CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.False(first.IsSound);
        await pool.ReturnAsync(second, reusable: false);
    }

    [Fact]
    public async Task RentAsync_ServerRestartedWhileTheConnectionWaited_NewConnectionThatWorks()
    {
        await using var restarted = new SshServer();
        await restarted.InitializeAsync();
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        var before = await pool.RentAsync(restarted.Settings(restarted.ShellAccount), CancellationToken.None);
        await pool.ReturnAsync(before, reusable: true);

        await restarted.RestartAsync();
        var after = await pool.RentAsync(restarted.Settings(restarted.ShellAccount), CancellationToken.None);

        Assert.NotSame(before, after);
        Assert.Equal(EntryKind.Directory, after.Stat(restarted.ShellAccount.Home).Kind);
        await pool.ReturnAsync(after, reusable: false);
        await restarted.DisposeAsync();
    }

    [Fact]
    public async Task Return_AfterTheConnectionDropped_NotKept()
    {
        await using var dropped = new SshServer();
        await dropped.InitializeAsync();
        await using var pool = new SshConnectionPool(Idle, TimeProvider.System);
        var files = await pool.RentAsync(dropped.Settings(dropped.SftpAccount), CancellationToken.None);

        dropped.Stop();
        Assert.Throws<RemoteHostException>(() => files.Stat(dropped.SftpAccount.Home));
        await pool.ReturnAsync(files, reusable: true);

        await dropped.RestartAsync();
        var next = await pool.RentAsync(dropped.Settings(dropped.SftpAccount), CancellationToken.None);
        Assert.NotSame(files, next);
        await pool.ReturnAsync(next, reusable: false);
        await dropped.DisposeAsync();
    }

    private int Logins(SshAccount account) =>
        server.Log.Count(line => line.Contains("Accepted ", StringComparison.Ordinal) && line.Contains($" for {account.Login} ", StringComparison.Ordinal));

    private static async Task<bool> ConnectsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
