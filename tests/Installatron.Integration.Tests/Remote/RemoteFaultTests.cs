using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// The site's SSH server killed in the middle of a step (sshd and every session it runs, by PID) and started again a
/// moment later: the step's connection is lost, the orchestration runs the step again (its retry policy), and the
/// update converges, or reverts. Either way the site ends byte-identical to one of the two versions, never in
/// between, with the database on the same side.
/// </summary>
[Collection(RemoteFaultsCollection.Name)]
public sealed class RemoteFaultTests(IsolatedSshServer ssh, MariaDbServer mariadb, ITestOutputHelper output)
{
    [Theory]
    [InlineData("backup", true)]
    [InlineData("backup", false)]
    [InlineData("apply", true)]
    [InlineData("apply", false)]
    public async Task Update_SshdKilledMidStep_CompleteOrRevertedAndTheSiteIsOneOfTheTwoVersions(string step, bool hasShell)
    {
        var account = ssh.Account(hasShell);
        await using var harness = await WorkflowHarness.StartAsync(syncWaitSeconds: 170);
        await using var site = await RemoteLiveWordPressTests.RemoteWordPressAsync(ssh, mariadb, harness, account);
        var wordpress = site.WordPress;
        var before = SiteFiles.Hash(wordpress.SitePath);
        var after = await UpdatedReferenceAsync(wordpress);
        Assert.NotEqual(before, after);

        using var stop = new CancellationTokenSource();
        var killer = KillMidStepAsync(step, wordpress, account, harness, stop.Token);
        await harness.UpdateAsync("""{"version": "6.1.10", "revert": true}""", site.Install.Id);
        await stop.CancelAsync();
        var killedAt = await killer;

        var task = Assert.Single(Assert.IsType<Core.Api.Handlers.TaskPage>((await harness.ListTasksAsync($"?install={site.Install.Id}")).Data).Tasks);
        output.WriteLine($"killed {killedAt}; task {task.Status} ({task.Errcode}); steps: {string.Join(", ", task.Steps.Select(s => $"{s.Step}={s.Outcome}"))}");
        Assert.NotNull(killedAt);
        Assert.Contains(task.Steps, run => run.Step == step && run.Outcome != "ok"); // the kill hit that step
        Assert.Contains(task.Status, new[] { TaskStatuses.Complete, TaskStatuses.Reverted });
        var now = SiteFiles.Hash(wordpress.SitePath);
        Assert.True(now == before || now == after, "the site is neither the old version nor the new one");
        Assert.Equal(task.Status == TaskStatuses.Complete ? after : before, now);
        Assert.Equal(task.Status == TaskStatuses.Complete ? LiveWordPressTests.NextDbVersion : LiveWordPressTests.DbVersion, await wordpress.DbVersionAsync());
    }

    /// <summary>
    /// Waits until <paramref name="step"/> is under way (backup: a backup is being written to the account's store, whose
    /// writer marker is in the backups container while the site is hashed and read over SSH; apply: the package being
    /// staged, or the new release's first file in the site), kills sshd, and starts it again a moment later.
    /// </summary>
    private async Task<string?> KillMidStepAsync(string step, LiveWordPress wordpress, SshAccount account, WorkflowHarness harness, CancellationToken cancellationToken)
    {
        var container = harness.Services.GetRequiredService<InstallatronTables>().BackupBlobs;
        var added = Path.Join(wordpress.SitePath, LiveWordPressTests.AddedFile);
        var staging = Path.Join(ssh.LocalPath(account.Home), ".appdata", "staging");
        var version = Path.Join(wordpress.SitePath, "wp-includes", "version.php");
        var oldVersion = await File.ReadAllTextAsync(version, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var underWay = step == "backup"
                ? await WriterMarkedAsync(container)
                : ApplyStaging(staging) || File.Exists(added) || File.ReadAllText(version) != oldVersion;
            if (underWay)
            {
                ssh.Stop();
                var what = $"sshd during {step}";
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                await ssh.RestartAsync();
                return what;
            }

            await Task.Delay(5, CancellationToken.None);
        }

        return null;
    }

    private static async Task<bool> WriterMarkedAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        if (!await container.ExistsAsync())
        {
            return false;
        }

        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "store/" }))
        {
            if (blob.Name.Contains("/" + Core.Sites.Store.Blob.BlobContentStore.WritersFolder, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the apply has begun staging the package (its own folder, written before any site file; an apply
    /// of only the changed files can otherwise end before sshd is stopped).</summary>
    private static bool ApplyStaging(string staging) =>
        Directory.Exists(staging) && Directory.EnumerateDirectories(staging).Any(task => Directory.Exists(Path.Join(task, "core")));

    /// <summary>The site as the update should leave it: a copy here, updated by the engine on this machine from the same packages.</summary>
    private static async Task<string> UpdatedReferenceAsync(LiveWordPress wordpress)
    {
        var reference = Path.Join(wordpress.Root + "-reference", "public_html");
        Directory.CreateDirectory(Path.GetDirectoryName(reference)!);
        await SshServer.RunAsync("cp", ["-a", wordpress.SitePath, reference]);
        try
        {
            await new PackageApplier(TimeProvider.System).ApplyAsync(new ApplyRequest(reference, Path.Join(wordpress.Root, "wordpress-6.1.10.zip"),
                Path.Join(wordpress.Root, "wordpress-6.1.9.zip"), SiteRecipe.WordPress with { PackageRoot = "wordpress/" },
                Path.Join(wordpress.Root + "-reference", "staging")), CancellationToken.None);
            return SiteFiles.Hash(reference);
        }
        finally
        {
            await SshServer.RunAsync("rm", ["-rf", "--", wordpress.Root + "-reference"]);
        }
    }
}
