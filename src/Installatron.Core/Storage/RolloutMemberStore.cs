using Azure;
using Azure.Data.Tables;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>An install in a rollout, as the runner handles it: the attempt is the install's failure count when it was planned.</summary>
public sealed record RolloutMember(string InstallId, int Attempt)
{
    /// <summary>The holder name of the member's concurrency slots.</summary>
    public string SlotHolder(string rolloutId) => $"{rolloutId}/{InstallId}/{Attempt}";
}

/// <summary>How a member's row changes: its state, and what is known of its update.</summary>
public sealed record MemberChange(string InstallId, string State, string? TaskId = null, string? Server = null, string? Errcode = null, string? Reason = null);

/// <summary>
/// The members of each rollout: one row per install (partition = rollout ID, row = install ID) with plain columns
/// (state, wave, attempt, task, server, outcome), written in batches of up to 100 (one entity-group transaction).
/// </summary>
public sealed class RolloutMemberStore(InstallatronTables tables)
{
    private const int BatchSize = 100;

    /// <summary>
    /// Plans installs into a rollout as pending; an install already pending, queued or running there is left alone, one
    /// whose earlier attempt ended (or was skipped) is planned again. Returns how many were planned.
    /// </summary>
    public async Task<int> PlanAsync(string rolloutId, IReadOnlyList<RolloutMember> members, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var planned = 0;
        foreach (var chunk in members.Chunk(BatchSize))
        {
            try
            {
                await tables.RolloutMembers.SubmitTransactionAsync(
                    chunk.Select(m => new TableTransactionAction(TableTransactionActionType.Add, Pending(rolloutId, m))), cancellationToken);
                planned += chunk.Length;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Some are known already: one by one.
                foreach (var member in chunk)
                {
                    planned += await PlanOneAsync(rolloutId, member, cancellationToken) ? 1 : 0;
                }
            }
        }

        return planned;
    }

    /// <summary>Marks up to <paramref name="count"/> pending members as queued in <paramref name="wave"/>.</summary>
    public async Task<IReadOnlyList<RolloutMember>> TakeAsync(string rolloutId, int wave, int count, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (count <= 0)
        {
            return [];
        }

        var taken = await QueryAsync(rolloutId, TableClient.CreateQueryFilter($"State eq {MemberStates.Pending}"), count, cancellationToken);
        foreach (var chunk in taken.Chunk(BatchSize))
        {
            await tables.RolloutMembers.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(rolloutId, m.InstallId) { ["State"] = MemberStates.Queued, ["Wave"] = wave }, ETag.All)), cancellationToken);
        }

        return taken;
    }

    /// <summary>Members queued in a wave and not started yet (normally all of the current wave).</summary>
    public async Task<IReadOnlyList<RolloutMember>> QueuedAsync(string rolloutId, int max, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await QueryAsync(rolloutId, TableClient.CreateQueryFilter($"State eq {MemberStates.Queued}"), max, cancellationToken);
    }

    /// <summary>Whether anything in the rollout is still to start (pending or queued).</summary>
    public async Task<bool> HasWaitingAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId} and (State eq {MemberStates.Pending} or State eq {MemberStates.Queued})");
        await foreach (var _ in tables.RolloutMembers.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }

    /// <summary>Writes what became of members (idempotent: the same change twice writes the same row).</summary>
    public async Task MarkAsync(string rolloutId, IReadOnlyList<MemberChange> changes, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        foreach (var chunk in changes.Chunk(BatchSize))
        {
            await tables.RolloutMembers.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(rolloutId, c.InstallId)
                {
                    ["State"] = c.State,
                    ["TaskId"] = c.TaskId,
                    ["Server"] = c.Server,
                    ["Errcode"] = c.Errcode,
                    ["Reason"] = c.Reason,
                }, ETag.All)), cancellationToken);
        }
    }

    /// <summary>A member's row: state, task, errcode (for tests and support).</summary>
    public async Task<IReadOnlyDictionary<string, MemberChange>> ListAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var members = new Dictionary<string, MemberChange>(StringComparer.Ordinal);
        await foreach (var e in tables.RolloutMembers.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId}"), cancellationToken: cancellationToken))
        {
            members[e.RowKey] = new MemberChange(e.RowKey, e.GetString("State") ?? "", e.GetString("TaskId"), e.GetString("Server"), e.GetString("Errcode"), e.GetString("Reason"));
        }

        return members;
    }

    private async Task<bool> PlanOneAsync(string rolloutId, RolloutMember member, CancellationToken cancellationToken)
    {
        var existing = await tables.RolloutMembers.GetEntityIfExistsAsync<TableEntity>(rolloutId, member.InstallId, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            try
            {
                await tables.RolloutMembers.AddEntityAsync(Pending(rolloutId, member), cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return false;
            }
        }

        var row = existing.Value!;
        var state = row.GetString("State");
        var waiting = state is MemberStates.Pending or MemberStates.Queued or MemberStates.Started;
        if (waiting || (state != MemberStates.Skipped && row.GetInt32("Attempt") == member.Attempt))
        {
            return false;
        }

        try
        {
            await tables.RolloutMembers.UpdateEntityAsync(Pending(rolloutId, member), row.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    private async Task<List<RolloutMember>> QueryAsync(string rolloutId, string condition, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId}") + " and " + condition;
        var members = new List<RolloutMember>();
        await foreach (var e in tables.RolloutMembers.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, max), select: ["RowKey", "Attempt"], cancellationToken: cancellationToken))
        {
            members.Add(new RolloutMember(e.RowKey, e.GetInt32("Attempt") ?? 0));
            if (members.Count >= max)
            {
                break;
            }
        }

        return members;
    }

    private static TableEntity Pending(string rolloutId, RolloutMember member) =>
        new(rolloutId, member.InstallId) { ["State"] = MemberStates.Pending, ["Attempt"] = member.Attempt, ["Wave"] = 0 };
}
