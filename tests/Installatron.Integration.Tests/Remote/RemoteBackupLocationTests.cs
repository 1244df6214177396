using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// Where a remote site's backup is kept: <c>bkloc = local</c> is the account's own <c>~/.appdata/backups</c> on the
/// site's server; any other <c>bkloc</c> is the backups container, uploaded from the server, and a revert that finds
/// the server's copy gone writes it back there from the container first.
/// </summary>
[Collection(RemoteSitesCollection.Name)]
public sealed class RemoteBackupLocationTests(IsolatedSshServer ssh)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Revert_RemoteBklocAndTheServersCopyGone_RestoredFromTheContainerByteIdentical(bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync();
        var user = "rbk" + Guid.NewGuid().ToString("N")[..8];
        await RemoteAccounts.AddAsync(harness.Services, ssh, account, user, "website.com", useKey: hasShell);
        var name = "bk-" + Guid.NewGuid().ToString("N")[..8];
        var site = $"{account.Home}/public_html/{name}";
        DemoWordPress.WriteSite(ssh.LocalPath(site), "6.7.2", $"http://website.com/{name}");
        await SshServer.ChownAsync(account, ssh.LocalPath(account.Home));
        var imported = await harness.ImportAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user"] = user, ["application"] = "wordpress", ["path"] = site, ["url"] = $"http://website.com/{name}", ["db_type"] = "",
            ["bkloc"] = "cloud", ["plugins"] = Array.Empty<object>(), ["themes"] = Array.Empty<object>(),
        }));
        Assert.True(imported.Result, imported.Message);
        var install = Assert.IsType<Install>(imported.Data);
        var files = SiteFiles.Hash(ssh.LocalPath(site));
        string? removed = null;
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);
        harness.Faults.OnPoint = point =>
        {
            if (point == UpdateFaults.BeforeRevert)
            {
                removed = Directory.EnumerateFiles(ssh.LocalPath($"{account.Home}/.appdata/backups/{install.Id}"), "*.tar.gz").Single();
                File.Delete(removed);
            }
        };

        var envelope = await harness.UpdateAsync("""{"version": "6.7.3", "revert": true}""", install.Id);

        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal((TaskStatuses.Reverted, ErrorCodes.FailedVerify), (task.Status, task.Errcode));
        Assert.NotNull(removed);
        Assert.True(File.Exists(removed)); // written back on the server from the container
        var tables = harness.Services.GetRequiredService<InstallatronTables>();
        Assert.True(await tables.BackupBlobs.GetBlobClient($"{install.Id}/{task.Id}.tar.gz").ExistsAsync());
        Assert.Equal(files, SiteFiles.Hash(ssh.LocalPath(site)));
    }
}
