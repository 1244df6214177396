using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// The live WordPress 6.1.9 suite again, with the site reachable only over SSH: its files in an SSH account's home
/// on the test's sshd (owned by that login, at a path that exists only inside sshd's mount namespace), its database
/// reached through SSH port forwarding (the sshd log shows each forwarded connection), for an account with a shell
/// and one limited to SFTP. The site is still served by PHP from its files, as its web server would.
/// </summary>
[Collection(RemoteLiveSitesCollection.Name)]
public sealed class RemoteLiveWordPressTests(IsolatedSshServer ssh, MariaDbServer mariadb, ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_SiteOnlyOverSsh_NewCoreAndPluginWithTheDatabaseThroughTheTunnel(bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var site = await RemoteWordPressAsync(ssh, mariadb, harness, account);
        var wordpress = site.WordPress;
        var content = SiteFiles.Hash(Path.Combine(wordpress.SitePath, "wp-content"));
        var config = await File.ReadAllBytesAsync(Path.Combine(wordpress.SitePath, "wp-config.php"));
        var tunnelled = Tunnelled();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var envelope = await harness.UpdateAsync("""{"version": "6.1.10", "revert": true}""", site.Install.Id);
        output.WriteLine($"remote live update 6.1.9 -> 6.1.10 ({(hasShell ? "shell" : "SFTP only")}): {watch.ElapsedMilliseconds} ms");

        Assert.True(envelope.Result, envelope.Message);
        Assert.Equal("6.1.10", Assert.IsType<Install>(envelope.Data).Version);
        using var http = new HttpClient();
        var page = await http.GetStringAsync(wordpress.Url + "/");
        Assert.Contains("<meta name=\"generator\" content=\"WordPress 6.1.10\" />", page);
        Assert.Contains(LiveWordPress.Title, page);
        Assert.True(File.Exists(Path.Combine(wordpress.SitePath, LiveWordPressTests.AddedFile)));
        Assert.False(File.Exists(Path.Combine(wordpress.SitePath, LiveWordPressTests.RemovedFile)));
        Assert.False(Directory.Exists(Path.Combine(wordpress.SitePath, "wordpress")));
        Assert.Equal(LiveWordPressTests.NextDbVersion, await wordpress.DbVersionAsync()); // its database upgrade ran
        Directory.Delete(Path.Combine(wordpress.SitePath, LiveWordPressTests.NewBundledTheme), recursive: true);
        Assert.Equal(content, SiteFiles.Hash(Path.Combine(wordpress.SitePath, "wp-content")));
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(wordpress.SitePath, "wp-config.php")));
        Assert.True(Tunnelled() > tunnelled, "the backup's dump went through SSH port forwarding");

        var components = await harness.UpdateAsync("""{"version": "current", "plugins": ["akismet"], "themes": ["twentytwentythree"]}""", site.Install.Id);
        Assert.True(components.Result, components.Message);
        var updated = Assert.IsType<Install>(components.Data);
        Assert.Equal("5.3.8", updated.Plugins.Single(p => p.Id == "akismet").Version);
        Assert.True(updated.Plugins.Single(p => p.Id == "akismet").Activated); // read from the database through the tunnel
        Assert.Equal("1.1", updated.Themes.Single(t => t.Id == "twentytwentythree").Version);
        Assert.Contains("Version: 5.3.8", await File.ReadAllTextAsync(Path.Combine(wordpress.SitePath, "wp-content", "plugins", "akismet", "akismet.php")));
        Assert.Empty(await SshServer.RunAsync("find", [wordpress.SitePath, ssh.LocalPath(account.Home + "/.appdata"), "!", "-user", account.Login])); // all written by the login
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_SiteOnlyOverSsh_BrokenPackageRevertedByteIdenticalWithItsTables(bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var site = await RemoteWordPressAsync(ssh, mariadb, harness, account);
        var wordpress = site.WordPress;
        await LiveWordPressTests.PublishBroken6111Async(harness, wordpress, "wp-blog-header.php", "<?php\ninstallatron_function_that_does_not_exist();\n");
        string? dbVersionWhenReverting = null;
        harness.Faults.OnPoint = point => dbVersionWhenReverting ??= point == UpdateFaults.BeforeRevert ? wordpress.DbVersionAsync().GetAwaiter().GetResult() : null;
        var files = SiteFiles.Hash(wordpress.SitePath);

        var envelope = await harness.UpdateAsync("""{"version": "6.1.11", "revert": true}""", site.Install.Id);

        Assert.Equal(ErrorCodes.FailedHealthCheck, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Equal(LiveWordPressTests.NextDbVersion, dbVersionWhenReverting); // the upgrade had run before the revert
        Assert.Equal(LiveWordPressTests.DbVersion, await wordpress.DbVersionAsync());
        var backup = await harness.Services.GetRequiredService<BackupStore>().GetAsync(site.Install.Id, task.Id, CancellationToken.None);
        Assert.Equal(12, backup!.Tables!.Count);
        Assert.Equal(backup.Tables, await new MySqlDatabase(wordpress.Database).ChecksumTablesAsync(site.Install.Tables, CancellationToken.None));
        Assert.Equal(files, SiteFiles.Hash(wordpress.SitePath));
        Assert.Equal(BackupRecord.BlobStoreFormat, backup.Format); // the account's store in the backups container
        Assert.True(backup.StoredBytes < backup.Bytes / 2, $"{backup.StoredBytes} of {backup.Bytes}"); // the package's contents referenced
        using var http = new HttpClient();
        Assert.Contains("content=\"WordPress 6.1.9\"", await http.GetStringAsync(wordpress.Url + "/"));
    }

    /// <summary>Connections sshd forwarded to the MariaDB server so far.</summary>
    private int Tunnelled() => ssh.Log.Count(line => line.Contains("server_request_direct_tcpip", StringComparison.Ordinal)
        && line.Contains($"port {mariadb.Port}", StringComparison.Ordinal));

    /// <summary>
    /// A live WordPress in a folder of <paramref name="account"/>'s home on the server (prepared here at the folder's
    /// local path, then handed to the login), and its install imported over SSH for a remote account of its own.
    /// </summary>
    internal static async Task<RemoteWordPress> RemoteWordPressAsync(IsolatedSshServer ssh, MariaDbServer mariadb, WorkflowHarness harness, SshAccount account)
    {
        var folder = $"{account.Home}/live-{Guid.NewGuid().ToString("N")[..12]}";
        var wordpress = await LiveWordPress.StartAsync(mariadb, ssh.LocalPath(folder));
        await SshServer.ChownAsync(account, ssh.LocalPath(folder));
        Assert.False(Directory.Exists(folder)); // the server's path: not there for this process
        var user = "rlive" + Guid.NewGuid().ToString("N")[..8];
        await RemoteAccounts.AddAsync(harness.Services, ssh, account, user, "127.0.0.1", useKey: !account.HasShell);
        var install = await LiveWordPressTests.ImportAsync(harness, wordpress, user, folder + "/public_html");
        return new RemoteWordPress(wordpress, install, folder);
    }

    internal sealed record RemoteWordPress(LiveWordPress WordPress, Install Install, string Folder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await WordPress.DisposeAsync();
            await SshServer.RunAsync("rm", ["-rf", "--", WordPress.Root], allowFailure: true);
        }
    }
}
