using System.Text.Json;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// Where a remote site's backup is kept: the account's content-addressed store in the backups container, whatever
/// its <c>bkloc</c> (docs/site-files.md says why); nothing is written to the site's server for it. A tar.gz archive taken
/// before the store (on the site's server, or only in the container) still restores.
/// </summary>
[Collection(RemoteSitesCollection.Name)]
public sealed class RemoteBackupLocationTests(IsolatedSshServer ssh)
{
    [Theory]
    [InlineData(true, "cloud")]
    [InlineData(false, "cloud")]
    [InlineData(true, "local")]
    public async Task Revert_RemoteSite_RestoredFromTheAccountsStoreInTheContainerByteIdentical(bool hasShell, string bkloc)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync();
        var (user, site, install) = await ImportAsync(harness, account, bkloc);
        var files = SiteFiles.Hash(ssh.LocalPath(site));
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);

        var envelope = await harness.UpdateAsync("""{"version": "6.7.3", "revert": true}""", install.Id);

        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal((TaskStatuses.Reverted, ErrorCodes.FailedVerify), (task.Status, task.Errcode));
        Assert.Equal(files, SiteFiles.Hash(ssh.LocalPath(site)));
        var backup = (await harness.Services.GetRequiredService<BackupStore>().GetAsync(install.Id, task.Id, CancellationToken.None))!;
        Assert.Equal(BackupRecord.BlobStoreFormat, backup.Format);
        Assert.Equal($"store/{user}/{install.Id}/{task.Id}.json", backup.ArchivePath);
        var tables = harness.Services.GetRequiredService<InstallatronTables>();
        Assert.True(await tables.BackupBlobs.GetBlobClient(backup.ArchivePath).ExistsAsync());
        Assert.False(await tables.BackupBlobs.GetBlobClient($"{install.Id}/{task.Id}.tar.gz").ExistsAsync());
        var backups = ssh.LocalPath($"{account.Home}/.appdata/backups/{install.Id}");
        Assert.False(Directory.Exists(backups) && Directory.EnumerateFileSystemEntries(backups).Any()); // nothing kept on the site's server
        var listed = Assert.IsType<BackupPage>((await harness.Services.GetRequiredService<BackupsApi>()
            .ListAsync(RestoreWorkflowTests.Query($"?install={install.Id}"), CancellationToken.None)).Envelope.Data);
        var view = Assert.Single(listed.Backups);
        Assert.Equal(("store", bkloc, task.Id), (view.Format, view.Location, view.Task));
        Assert.True(view.Files > 10 && view.Size > 0 && view.StoredSize > 0 && view.StoredSize < view.Size, $"{view}");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Restore_RemoteSiteTarGzBackupTakenBeforeTheStore_StillRestoresByteIdentical(bool hasShell, bool onlyInTheContainer)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync();
        var (_, site, install) = await ImportAsync(harness, account, onlyInTheContainer ? "cloud" : "local");
        var before = SiteFiles.Hash(ssh.LocalPath(site));
        var archive = $"{account.Home}/.appdata/backups/{install.Id}/oldbackup1.tar.gz";
        BackupResult written;
        await using (var files = await SftpSiteFileSystem.ConnectAsync(ssh.Settings(account, useKey: !hasShell), CancellationToken.None))
        {
            files.CreateDirectories(Path.GetDirectoryName(archive)!);
            written = await SiteBackup.CreateAsync(files, site, install.ExcludeFiles, archive, CancellationToken.None);
            await harness.Services.GetRequiredService<BackupStore>().SaveAsync(new BackupRecord("oldbackup1", install.Id, install.Bkloc, archive,
                written.ArchiveSha256, written.Files, written.Bytes, install.Version, 1_700_000_000, Verified: true), ct => files.OpenReadAsync(archive, ct),
                CancellationToken.None);
        }

        if (onlyInTheContainer)
        {
            File.Delete(ssh.LocalPath(archive));
        }

        File.WriteAllText(Path.Join(ssh.LocalPath(site), "index.php"), "<?php echo 'defaced';\n");
        File.WriteAllText(Path.Join(ssh.LocalPath(site), "intruder.php"), "<?php\n");
        await SshServer.ChownAsync(account, ssh.LocalPath(site));

        var result = await RestoreWorkflowTests.RestoreAsync(harness, """{"backup": "oldbackup1"}""", install.Id);

        Assert.True(result.Envelope.Result, result.Envelope.Message);
        Assert.Equal(before, SiteFiles.Hash(ssh.LocalPath(site)));
        var listed = Assert.IsType<BackupPage>((await harness.Services.GetRequiredService<BackupsApi>()
            .ListAsync(RestoreWorkflowTests.Query($"?install={install.Id}"), CancellationToken.None)).Envelope.Data);
        Assert.Equal("archive", Assert.Single(listed.Backups).Format);
    }

    private async Task<(string User, string Site, Install Install)> ImportAsync(WorkflowHarness harness, SshAccount account, string bkloc)
    {
        var user = "rbk" + Guid.NewGuid().ToString("N")[..8];
        await RemoteAccounts.AddAsync(harness.Services, ssh, account, user, "website.com", useKey: !account.HasShell);
        var name = "bk-" + Guid.NewGuid().ToString("N")[..8];
        var site = $"{account.Home}/public_html/{name}";
        DemoWordPress.WriteSite(ssh.LocalPath(site), "6.7.2", $"http://website.com/{name}");
        await SshServer.ChownAsync(account, ssh.LocalPath(account.Home));
        var imported = await harness.ImportAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user"] = user, ["application"] = "wordpress", ["path"] = site, ["url"] = $"http://website.com/{name}", ["db_type"] = "",
            ["bkloc"] = bkloc, ["plugins"] = Array.Empty<object>(), ["themes"] = Array.Empty<object>(),
        }));
        Assert.True(imported.Result, imported.Message);
        return (user, site, Assert.IsType<Install>(imported.Data));
    }
}
