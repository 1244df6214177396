using System.Text;
using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>POST /installs/{id}/restore: a backup restored on request, byte for byte, as a durable task.</summary>
public sealed class RestoreWorkflowTests
{
    [Fact]
    public async Task Restore_AfterASuccessfulUpdate_SiteByteIdenticalAndVersionBack()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var before = SiteFiles.Hash(harness.SitePath);
        var update = await harness.UpdateAsync("""{"revert": true}""");
        Assert.True(update.Result, update.Message);
        var updateTask = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        Assert.Equal(TaskOutcomes.Update, updateTask.Outcome);
        Assert.NotEqual(before, SiteFiles.Hash(harness.SitePath));

        var result = await RestoreAsync(harness, $$"""{"backup": "{{updateTask.BackupId}}"}""");

        Assert.Empty(OpenApiContract.Problems("POST", $"/installs/{DemoData.InstallId}/restore", result.Envelope.Status, result.ToString()));
        Assert.True(result.Envelope.Result, result.Envelope.Message);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        var install = await harness.InstallAsync();
        Assert.Equal("6.7.2", install.Version);
        Assert.False(install.Incomplete);
        var restore = ((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks.Single(t => t.Kind == TaskKinds.Restore);
        Assert.Equal(TaskStatuses.Complete, restore.Status);
        Assert.Equal(TaskOutcomes.Restore, restore.Outcome);
        Assert.Equal(updateTask.BackupId, restore.BackupId);
        Assert.Empty(OpenApiContract.Problems("GET", $"/tasks/{restore.Id}", 200, System.Text.Json.JsonSerializer.Serialize(await harness.GetTaskAsync(restore.Id), ApiJson.Options)));
    }

    [Fact]
    public async Task Restore_ATarGzBackupTakenBeforeTheStore_StillRestores()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var install = await harness.InstallAsync();
        var before = SiteFiles.Hash(harness.SitePath);
        var archive = Path.Combine(harness.DataPath, "demo", "home", DemoData.User, ".appdata", "backups", install.Id, "oldbackup1.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        var written = await SiteBackup.CreateAsync(harness.SitePath, install.ExcludeFiles, archive, CancellationToken.None);
        await harness.Services.GetRequiredService<BackupStore>().SaveAsync(new BackupRecord("oldbackup1", install.Id, "local", archive,
            written.ArchiveSha256, written.Files, written.Bytes, install.Version, 1_700_000_000, Verified: true), null, CancellationToken.None);
        File.WriteAllText(Path.Combine(harness.SitePath, "index.php"), "<?php echo 'defaced';\n");
        File.WriteAllText(Path.Combine(harness.SitePath, "intruder.php"), "<?php\n");

        var result = await RestoreAsync(harness, """{"backup": "oldbackup1"}""");

        Assert.True(result.Envelope.Result, result.Envelope.Message);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        var listed = Assert.IsType<BackupPage>((await harness.Services.GetRequiredService<BackupsApi>().ListAsync(Query($"?install={install.Id}"), CancellationToken.None)).Envelope.Data);
        Assert.Equal("archive", Assert.Single(listed.Backups).Format);
    }

    [Fact]
    public async Task Restore_CorruptStoredContent_RestoreErrorAndInstallIncomplete()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        File.WriteAllText(Path.Combine(harness.SitePath, "wp-config-extra.php"), "<?php // only in this site\n");
        var update = await harness.UpdateAsync("""{"revert": true}""");
        Assert.True(update.Result, update.Message);
        var backupId = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks).BackupId!;
        var store = ContentStore.Open(Path.Combine(harness.DataPath, "demo", "home", DemoData.User, ".appdata", "backups"));
        var object_ = store.ObjectPath(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("<?php // only in this site\n"u8)));
        File.WriteAllBytes(object_, "not zstd at all"u8.ToArray());
        File.Delete(Path.Combine(harness.SitePath, "wp-config-extra.php"));

        var result = await RestoreAsync(harness, $$"""{"backup": "{{backupId}}"}""");

        Assert.Empty(OpenApiContract.Problems("POST", $"/installs/{DemoData.InstallId}/restore", result.Envelope.Status, result.ToString()));
        Assert.Equal(ErrorCodes.FailedRestore, result.Envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(result.Envelope.Data);
        Assert.Equal(TaskOutcomes.RestoreError, task.Outcome);
        Assert.True((await harness.InstallAsync()).Incomplete);
        Assert.False(File.Exists(Path.Combine(harness.SitePath, "wp-config-extra.php")));
    }

    [Theory]
    [InlineData("""{"backup": "nosuchbackup1"}""", "backup_not_found", "backup")]
    [InlineData("""{"backup": "../../etc"}""", "backup_not_found", "backup")]
    [InlineData("""{}""", "invalid_argument_backup", "backup")]
    [InlineData("""{"backup": "x", "colour": "red"}""", "invalid_argument_unknown", "colour")]
    public async Task Restore_BadRequest_ClearRefusalAndNothingChanged(string body, string errcode, string errfield)
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var before = SiteFiles.Hash(harness.SitePath);

        var result = await RestoreAsync(harness, body);

        Assert.Empty(OpenApiContract.Problems("POST", $"/installs/{DemoData.InstallId}/restore", result.Envelope.Status, result.ToString()));
        Assert.Equal(errcode, result.Envelope.Errcode);
        Assert.Equal(errfield, result.Envelope.Errfield);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.Empty(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
    }

    [Fact]
    public async Task Restore_RepeatedIdempotencyKey_TheFirstTaskAndOneRestore()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var update = await harness.UpdateAsync("""{"revert": true}""");
        Assert.True(update.Result, update.Message);
        var backupId = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks).BackupId;
        var body = $$"""{"backup": "{{backupId}}", "background": true}""";
        var first = Assert.IsType<UpdateTask>((await RestoreAsync(harness, body, idempotencyKey: "panel-restore-7")).Envelope.Data);
        await harness.WaitForTaskAsync(first.Id);

        var again = await RestoreAsync(harness, body, idempotencyKey: "panel-restore-7");
        var otherBody = await RestoreAsync(harness, """{"backup": "nosuchbackup"}""", idempotencyKey: "panel-restore-7");

        // As the update route answers a repeated key: the first request's task (finished: its result, the install).
        Assert.True(again.Envelope.Result, again.Envelope.Message);
        Assert.Equal("6.7.2", Assert.IsType<Install>(again.Envelope.Data).Version);
        Assert.Equal(again.ToString(), otherBody.ToString());
        var restores = ((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks.Where(t => t.Kind == TaskKinds.Restore).ToList();
        Assert.Equal(first.Id, Assert.Single(restores).Id);
        Assert.Equal("panel-restore-7", restores[0].IdempotencyKey);
    }

    internal static async Task<ApiResult> RestoreAsync(WorkflowHarness harness, string body, string installId = DemoData.InstallId, string? idempotencyKey = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        if (idempotencyKey is not null)
        {
            context.Request.Headers[InstallsApi.IdempotencyKeyHeader] = idempotencyKey;
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return await harness.Services.GetRequiredService<InstallsApi>().RestoreAsync(context.Request, installId, harness.Client, CancellationToken.None);
    }

    internal static HttpRequest Query(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
