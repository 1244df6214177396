using Azure;
using Azure.Data.Tables;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// Rollouts, one row each (partition <c>rollout</c>, row = rollout ID, the status as a column), and the sweep's lock
/// (partition <c>sweep</c>): the row that makes one sweep run at a time.
/// </summary>
public sealed class RolloutStore(InstallatronTables tables, TimeProvider time)
{
    private const string RolloutPartition = "rollout";
    private const string SweepPartition = "sweep";
    private const string SweepLockRow = "lock";

    public async Task<Stored<Rollout>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return IsValidId(id) ? await tables.Rollouts.GetAsync<Rollout>(RolloutPartition, id, cancellationToken) : null;
    }

    /// <summary>Every rollout, newest first.</summary>
    public async Task<IReadOnlyList<Rollout>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RolloutPartition}");
        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        var rollouts = new List<Rollout>();
        await foreach (var entity in tables.Rollouts.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rollouts.Add(DocumentEntity.Read<Rollout>(entity).Value);
        }

        return rollouts.OrderByDescending(r => r.TimeCreated).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The rollout of a target, created (running) when there is none yet.</summary>
    public async Task<Stored<Rollout>> GetOrCreateAsync(string application, string version, CancellationToken cancellationToken)
    {
        var id = Rollout.IdFor(application, version);
        for (var attempt = 0; ; attempt++)
        {
            if (await GetAsync(id, cancellationToken) is { } existing)
            {
                return existing;
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var created = new Rollout { Id = id, Application = application, Version = version, TimeCreated = now, TimeUpdated = now };
            try
            {
                var response = await tables.Rollouts.AddEntityAsync(ToEntity(created), cancellationToken);
                return new Stored<Rollout>(created, response.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 3)
            {
                // Created by another sweep page at the same moment: read it.
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored rollout, again on a concurrent change (ETag); a change returning
    /// the rollout as it was writes nothing. Returns the rollout as stored afterwards.
    /// </summary>
    public Task<Stored<Rollout>> ChangeAsync(string id, Func<Rollout, Rollout> change, CancellationToken cancellationToken) =>
        ChangeAsync(id, r => Task.FromResult(change(r)), cancellationToken);

    /// <summary>As <see cref="ChangeAsync(string, Func{Rollout, Rollout}, CancellationToken)"/>, with a change that reads more (after the row was read).</summary>
    public async Task<Stored<Rollout>> ChangeAsync(string id, Func<Rollout, Task<Rollout>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"The rollout {id} does not exist.");
            var changed = await change(stored.Value);
            if (ReferenceEquals(changed, stored.Value))
            {
                return stored;
            }

            try
            {
                changed = changed with { TimeUpdated = time.GetUtcNow().ToUnixTimeSeconds() };
                var response = await tables.Rollouts.UpdateEntityAsync(ToEntity(changed), stored.ETag, TableUpdateMode.Replace, cancellationToken);
                return new Stored<Rollout>(changed, response.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 20)
            {
                // Changed in between (a sweep page, a runner, an administrator): read again and reapply.
            }
        }
    }

    /// <summary>Takes the sweep's lock for <paramref name="sweepId"/>; returns the holder when another sweep has it (see <paramref name="isAlive"/>).</summary>
    /// <param name="isAlive">Whether the holding sweep still runs; a lock whose sweep has ended (or never started, after a minute) is taken over.</param>
    public async Task<string?> TryLockSweepAsync(string sweepId, Func<string, Task<bool>> isAlive, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        var entity = new TableEntity(SweepPartition, SweepLockRow) { ["Holder"] = sweepId, ["Since"] = now };
        try
        {
            await tables.Rollouts.AddEntityAsync(entity, cancellationToken);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var current = await tables.Rollouts.GetEntityIfExistsAsync<TableEntity>(SweepPartition, SweepLockRow, cancellationToken: cancellationToken);
        if (!current.HasValue)
        {
            return await TryLockSweepAsync(sweepId, isAlive, cancellationToken);
        }

        var holder = current.Value!.GetString("Holder") ?? "";
        var since = current.Value.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue;
        if (now - since < TimeSpan.FromMinutes(1) || await isAlive(holder))
        {
            return holder;
        }

        try
        {
            await tables.Rollouts.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            return null;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return holder;
        }
    }

    /// <summary>Releases the sweep's lock if <paramref name="sweepId"/> holds it; safe to call twice.</summary>
    public async Task UnlockSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var current = await tables.Rollouts.GetEntityIfExistsAsync<TableEntity>(SweepPartition, SweepLockRow, cancellationToken: cancellationToken);
        if (current.HasValue && current.Value!.GetString("Holder") == sweepId)
        {
            try
            {
                await tables.Rollouts.DeleteEntityAsync(SweepPartition, SweepLockRow, current.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Taken over meanwhile.
            }
        }
    }

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_');

    private static TableEntity ToEntity(Rollout rollout) =>
        DocumentEntity.Create(RolloutPartition, rollout.Id, rollout, new Dictionary<string, object>
        {
            ["Status"] = rollout.Status,
            ["Application"] = rollout.Application,
            ["Version"] = rollout.Version,
        });
}
