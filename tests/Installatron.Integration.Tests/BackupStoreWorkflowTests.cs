using System.Text;
using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>Updates of a local site with <c>bkloc = local</c>: backups in the account's store, kept and collected, listed by GET /backups.</summary>
public sealed class BackupStoreWorkflowTests
{
    [Fact]
    public async Task Update_ThreeFailedUpdatesWithOneKept_OlderBackupsAndTheirOwnContentsRemoved()
    {
        await using var harness = await WorkflowHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Installatron:BackupsKept"] = "1",
            ["Installatron:BackupGraceHours"] = "0",
        });
        var before = SiteFiles.Hash(harness.SitePath);
        var store = Path.Combine(harness.DataPath, "demo", "home", DemoData.User, ".appdata", "backups");
        var uploads = Path.Combine(harness.SitePath, "wp-content", "uploads");
        var taskIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // A content only this backup holds: after the next ones it belongs to no kept backup.
            Directory.CreateDirectory(uploads);
            File.WriteAllText(Path.Combine(uploads, "note.txt"), $"note {i}\n");
            before = SiteFiles.Hash(harness.SitePath);
            harness.Faults.FailAt(UpdateFaults.BeforeVerify);
            var envelope = await harness.UpdateAsync("{}");
            var task = Assert.IsType<UpdateTask>(envelope.Data);
            Assert.Equal(TaskStatuses.Reverted, task.Status);
            Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
            taskIds.Add(task.Id);
        }

        var backups = await harness.Services.GetRequiredService<BackupStore>().ListAsync(DemoData.InstallId, CancellationToken.None);
        var kept = Assert.Single(backups);
        Assert.Equal(taskIds[^1], kept.Id);
        Assert.True(kept.InStore);
        // The kept backup's document, and the hint for the install's next backup (docs/site-files.md, "Stat cache").
        Assert.Equal(new[] { kept.Id + ".json", "stat-cache" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(store, DemoData.InstallId)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var contents = ContentStore.Open(store);
        Assert.False(contents.Contains(Sha256("note 0\n")));
        Assert.False(contents.Contains(Sha256("note 1\n")));
        Assert.True(contents.Contains(Sha256("note 2\n")));
        var (document, _) = await StoredBackup.ReadAsync(contents, kept.ArchivePath, CancellationToken.None);
        Assert.Equal(document.StoredHashes().Order(), contents.Objects().Select(o => o.Sha256).Order());
    }

    [Fact]
    public async Task Update_SecondBackupOfUnchangedSite_AddsNothingToTheStore()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);
        var first = Assert.IsType<UpdateTask>((await harness.UpdateAsync("{}")).Data);
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);
        var second = Assert.IsType<UpdateTask>((await harness.UpdateAsync("{}")).Data);

        var backups = harness.Services.GetRequiredService<BackupStore>();
        var firstBackup = (await backups.GetAsync(DemoData.InstallId, first.Id, CancellationToken.None))!;
        var secondBackup = (await backups.GetAsync(DemoData.InstallId, second.Id, CancellationToken.None))!;
        Assert.True(firstBackup.StoredBytes > 0);
        Assert.Equal(0, secondBackup.StoredBytes);
        Assert.Equal(firstBackup.Files, secondBackup.Files);
    }

    [Fact]
    public async Task ListBackups_AfterTwoUpdates_NewestFirstInTheEnvelope()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);
        var first = Assert.IsType<UpdateTask>((await harness.UpdateAsync("{}")).Data);
        var second = Assert.IsType<UpdateTask>((await harness.UpdateAsync("{}")).Data);

        var result = await ListAsync(harness, $"?install={DemoData.InstallId}");

        Assert.Empty(OpenApiContract.Problems("GET", "/backups", 200, result.ToString()));
        var page = Assert.IsType<BackupPage>(result.Envelope.Data);
        Assert.Equal([second.Id, first.Id], page.Backups.Select(b => b.Id));
        var newest = page.Backups[0];
        Assert.Equal(second.Id, newest.Task);
        Assert.Equal("store", newest.Format);
        Assert.Equal("6.7.2", newest.Version);
        Assert.True(newest.Files > 0 && newest.Size > 0);
    }

    [Theory]
    [InlineData("", "invalid_argument_install", "install")]
    [InlineData("?install=nope", "install_not_found", null)]
    [InlineData("?install=" + DemoData.InstallId + "&colour=red", "invalid_argument_unknown", "colour")]
    public async Task ListBackups_BadQuery_ClearRefusal(string query, string errcode, string? errfield)
    {
        await using var harness = await WorkflowHarness.StartAsync();

        var result = await ListAsync(harness, query);

        Assert.Empty(OpenApiContract.Problems("GET", "/backups", result.Envelope.Status, result.ToString()));
        Assert.Equal(errcode, result.Envelope.Errcode);
        Assert.Equal(errfield, result.Envelope.Errfield);
    }

    private static async Task<ApiResult> ListAsync(WorkflowHarness harness, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.QueryString = new QueryString(query);
        return await harness.Services.GetRequiredService<BackupsApi>().ListAsync(context.Request, CancellationToken.None);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
