using Installatron.Core.Api;
using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Installatron.Databases.Tests.Support;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>The install's MySQL/MariaDB tables in the update's backup and revert, on a real MariaDB.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class DatabaseWorkflowTests(MariaDbServer mariadb)
{
    [Fact]
    public async Task Update_FailsAfterTheDatabaseChanged_TablesAndFilesRestored()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var database = await UseDatabaseAsync(harness);
        var tablesBefore = await new MySqlDatabase(database).ChecksumTablesAsync(WordPressTables.Names, CancellationToken.None);
        var filesBefore = SiteFiles.Hash(harness.SitePath);
        harness.Faults.OnPoint = point =>
        {
            if (point == UpdateFaults.AfterCoreApplied)
            {
                // What a database upgrade does, before the update then fails.
                TestSql.ExecuteAsync(database, "UPDATE wp_options SET option_value = 'changed'; DROP TABLE wp_users; CREATE TABLE wp_new (id int PRIMARY KEY)")
                    .GetAwaiter().GetResult();
            }
        };
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        Assert.Equal(TaskStatuses.Reverted, Assert.IsType<UpdateTask>(envelope.Data).Status);
        Assert.Equal(tablesBefore, await new MySqlDatabase(database).ChecksumTablesAsync(WordPressTables.Names, CancellationToken.None));
        Assert.Equal(filesBefore, SiteFiles.Hash(harness.SitePath));
    }

    [Fact]
    public async Task Update_Succeeds_BackupHoldsTheTablesWithChecksums()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var database = await UseDatabaseAsync(harness);
        var tables = await new MySqlDatabase(database).ChecksumTablesAsync(WordPressTables.Names, CancellationToken.None);

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        var backup = await harness.Services.GetRequiredService<Core.Storage.BackupStore>().GetAsync(task.InstallId, task.Id, CancellationToken.None);
        Assert.Equal(tables, backup!.Tables);

        // The dump is stored with the site's files in the account's store, its checksums in the backup's manifest.
        Assert.True(backup.InStore);
        var store = Core.Sites.Store.ContentStore.Open(Path.GetDirectoryName(Path.GetDirectoryName(backup.ArchivePath))!);
        var (stored, _) = await Core.Sites.Store.StoredBackup.ReadAsync(store, backup.ArchivePath, CancellationToken.None);
        Assert.Equal(tables, Assert.Single(stored.Manifest.Attachments!).Tables);
        var extracted = Path.Combine(harness.DataPath, "extracted.jsonl.gz");
        await Core.Sites.Store.StoreRestore.ExtractAttachmentAsync(store, backup.ArchivePath, InstallDatabase.AttachmentName, extracted, CancellationToken.None);
        Assert.Equal(tables, (await InstallDatabase.VerifyAsync(extracted, CancellationToken.None)).Tables);
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(backup.ArchivePath)!, "*.jsonl.gz"));
    }

    [Fact]
    public async Task Update_DatabaseServerDown_FailsBeforeAnyFileIsTouched()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var filesBefore = SiteFiles.Hash(harness.SitePath);
        await harness.ChangeInstallAsync(i => i with
        {
            DbType = "mysql", DbHost = "127.0.0.1:1", DbName = "wordpress", DbUser = "wp", DbPass = "secret-password-42",
            Tables = WordPressTables.Names,
        });

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        Assert.Equal(DatabaseErrors.Host, envelope.Errcode);
        Assert.Equal(500, envelope.Status);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Failed, task.Status);
        Assert.DoesNotContain("secret-password-42", task.Message);
        Assert.Equal(filesBefore, SiteFiles.Hash(harness.SitePath));
        Assert.False((await harness.InstallAsync()).Incomplete);
    }

    [Fact]
    public async Task DryrunAll_WrongDatabasePassword_FailedDatabaseLogin()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var database = await UseDatabaseAsync(harness);
        await harness.ChangeInstallAsync(i => i with { DbPass = "not-the-password" });

        var envelope = await harness.UpdateAsync("""{"dryrun": "all"}""");

        Assert.Equal(DatabaseErrors.Login, envelope.Errcode);
        Assert.DoesNotContain("not-the-password", envelope.Message);
        Assert.DoesNotContain(database.User, envelope.Message);
    }

    /// <summary>A database of its own with WordPress-like tables, made the demo install's.</summary>
    private async Task<DatabaseConnection> UseDatabaseAsync(WorkflowHarness harness)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await WordPressTables.CreateAsync(database);
        await harness.ChangeInstallAsync(i => i with
        {
            DbType = "mysql",
            DbHost = $"{database.Host}:{database.Port}",
            DbName = database.Name,
            DbUser = database.User,
            DbPass = database.Password,
            Tables = WordPressTables.Names,
        });
        return database;
    }
}
