using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// Update tasks (partition <c>task</c>, row = task ID, with install and user columns for filtering), and the
/// <c>Idempotency-Key</c> index (partition <c>idempotency</c>) that maps a repeated request to its first task.
/// </summary>
public sealed class TaskStore(InstallatronTables tables)
{
    private const string TaskPartition = "task";
    private const string IdempotencyPartition = "idempotency";

    public async Task<Stored<UpdateTask>?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return Ids.IsValidInstallId(taskId) ? await tables.Tasks.GetAsync<UpdateTask>(TaskPartition, taskId, cancellationToken) : null;
    }

    public async Task AddAsync(UpdateTask task, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        await tables.Tasks.AddAsync(ToEntity(task), new Refusal(ErrorCodes.ConcurrentModification, null, $"The task {task.Id} exists."), cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored task, retrying on concurrent changes (ETag); a change that returns
    /// the task as it was writes nothing. Idempotent when the change is. Returns the task as stored afterwards.
    /// <paramref name="known"/>: the task as the caller last read or wrote it, tried first without reading it again (its
    /// ETag tells whether it is still current).
    /// </summary>
    public async Task<Stored<UpdateTask>> ChangeAsync(
        string taskId, Func<UpdateTask, UpdateTask> change, CancellationToken cancellationToken, Stored<UpdateTask>? known = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = (attempt == 0 && known is { } current && current.ETag != default ? current : null)
                ?? await GetAsync(taskId, cancellationToken) ?? throw new InvalidOperationException($"The task {taskId} does not exist.");
            var changed = change(stored.Value);
            if (ReferenceEquals(changed, stored.Value))
            {
                return stored;
            }

            try
            {
                var response = await tables.Tasks.UpdateEntityAsync(ToEntity(changed), stored.ETag, TableUpdateMode.Replace, cancellationToken);
                return new Stored<UpdateTask>(changed, response.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 10)
            {
                // Someone else changed it in between: read again and reapply.
            }
        }
    }

    /// <summary>Tasks, newest first, filtered by user and/or install.</summary>
    public async Task<IReadOnlyList<UpdateTask>> ListAsync(string? user, string? installId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TaskPartition}");
        if (user is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"User eq {user}");
        }

        if (installId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"InstallId eq {installId}");
        }

        var tasks = new List<UpdateTask>();
        await foreach (var entity in tables.Tasks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            tasks.Add(DocumentEntity.Read<UpdateTask>(entity).Value);
        }

        return tasks.OrderByDescending(t => t.TimeCreated).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Claims <paramref name="key"/> for <paramref name="taskId"/>; returns the task that already holds it, if any.</summary>
    public async Task<string?> ClaimIdempotencyKeyAsync(string installId, string key, string taskId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var row = IdempotencyRow(installId, key);
        try
        {
            await tables.Tasks.AddEntityAsync(new TableEntity(IdempotencyPartition, row) { ["TaskId"] = taskId }, cancellationToken);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await tables.Tasks.GetEntityAsync<TableEntity>(IdempotencyPartition, row, cancellationToken: cancellationToken);
            return existing.Value.GetString("TaskId");
        }
    }

    public async Task<string?> FindByIdempotencyKeyAsync(string installId, string key, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var existing = await tables.Tasks.GetEntityIfExistsAsync<TableEntity>(IdempotencyPartition, IdempotencyRow(installId, key), cancellationToken: cancellationToken);
        return existing.HasValue ? existing.Value!.GetString("TaskId") : null;
    }

    /// <summary>Frees a key claimed by a start that did not happen; nothing to do without a key.</summary>
    public async Task ReleaseIdempotencyKeyAsync(string installId, string? key, CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            await tables.Tasks.DeleteEntityAsync(IdempotencyPartition, IdempotencyRow(installId, key), ETag.All, cancellationToken);
        }
    }

    private static string IdempotencyRow(string installId, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(installId + "\n" + key)));

    private static TableEntity ToEntity(UpdateTask task) =>
        DocumentEntity.Create(TaskPartition, task.Id, task, new Dictionary<string, object>
        {
            ["InstallId"] = task.InstallId,
            ["User"] = task.User,
            ["Status"] = task.Status,
        });
}
