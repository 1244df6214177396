using System.Text.Json;
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
/// (state, wave, attempt, task, server, outcome), written in batches of up to 100 (one entity-group transaction), and
/// the tally of their waves in one more row of the partition.
/// </summary>
public sealed class RolloutMemberStore(InstallatronTables tables)
{
    private const int BatchSize = 100;

    /// <summary>The row of the rollout's tally (<see cref="RolloutTally"/>), beside its members so that both change in one transaction; no install ID has a '~'.</summary>
    private const string TallyRow = "~tally";

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

        for (var attempt = 0; ; attempt++)
        {
            var pending = await QueryAsync(rolloutId, TableClient.CreateQueryFilter($"State eq {MemberStates.Pending}"), count, cancellationToken);
            var taken = new List<RolloutMember>();
            try
            {
                foreach (var chunk in pending.Chunk(BatchSize))
                {
                    // Each row as read: one taken meanwhile by another copy of the runner's step (and maybe started since) is not taken back.
                    await tables.RolloutMembers.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                        new TableEntity(rolloutId, m.Member.InstallId) { ["State"] = MemberStates.Queued, ["Wave"] = wave }, m.ETag)), cancellationToken);
                    taken.AddRange(chunk.Select(m => m.Member));
                }

                return taken;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404 && attempt < 20)
            {
                if (taken.Count > 0)
                {
                    return taken;
                }
            }
        }
    }

    /// <summary>Members queued in a wave and not started yet (normally all of the current wave).</summary>
    public async Task<IReadOnlyList<RolloutMember>> QueuedAsync(string rolloutId, int max, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return (await QueryAsync(rolloutId, TableClient.CreateQueryFilter($"State eq {MemberStates.Queued}"), max, cancellationToken)).Select(m => m.Member).ToList();
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

    /// <summary>
    /// Writes what became of members, and their waves' tally (<see cref="WaveTally"/>) in the same transaction, each
    /// row's change conditional on the row as read (ETag): a change recorded twice, or by two copies of an activity at
    /// once, counts once. An outcome is final (a late copy of a start does not take it back); a member no longer in a
    /// wave (planned again meanwhile) is left alone. Returns the rollout's tally afterwards.
    /// </summary>
    public async Task<RolloutTally> RecordAsync(string rolloutId, IReadOnlyList<MemberChange> changes, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (changes.Count == 0)
        {
            return (await ReadTallyAsync(rolloutId, cancellationToken)).Tally;
        }

        RolloutTally tally = RolloutTally.Empty;
        foreach (var chunk in changes.Chunk(BatchSize - 1))
        {
            tally = await RecordChunkAsync(rolloutId, chunk, cancellationToken);
        }

        return tally;
    }

    /// <summary>The rollout's tally, as its members' changes made it.</summary>
    public async Task<RolloutTally> TallyAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return (await ReadTallyAsync(rolloutId, cancellationToken)).Tally;
    }

    /// <summary>A member's row: state, task, errcode (for tests and support).</summary>
    public async Task<IReadOnlyDictionary<string, MemberChange>> ListAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var members = new Dictionary<string, MemberChange>(StringComparer.Ordinal);
        await foreach (var e in tables.RolloutMembers.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId}"), cancellationToken: cancellationToken))
        {
            if (e.RowKey == TallyRow)
            {
                continue;
            }

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

    private async Task<List<(RolloutMember Member, ETag ETag)>> QueryAsync(string rolloutId, string condition, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId}") + " and " + condition;
        var members = new List<(RolloutMember, ETag)>();
        await foreach (var e in tables.RolloutMembers.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, max), select: ["RowKey", "Attempt"], cancellationToken: cancellationToken))
        {
            members.Add((new RolloutMember(e.RowKey, e.GetInt32("Attempt") ?? 0), e.ETag));
            if (members.Count >= max)
            {
                break;
            }
        }

        return members;
    }

    private async Task<RolloutTally> RecordChunkAsync(string rolloutId, IReadOnlyList<MemberChange> changes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (tally, tallyETag) = await ReadTallyAsync(rolloutId, cancellationToken);
            var rows = await Task.WhenAll(changes.Select(c =>
                tables.RolloutMembers.GetEntityIfExistsAsync<TableEntity>(rolloutId, c.InstallId, cancellationToken: cancellationToken)));
            var waves = new Dictionary<int, WaveTally>(tally.Waves);
            var actions = new List<TableTransactionAction>();
            foreach (var (change, row) in changes.Zip(rows.Select(r => r.HasValue ? r.Value : null)))
            {
                var state = row?.GetString("State") ?? MemberStates.Pending;
                var wave = row?.GetInt32("Wave") ?? 0;
                if (row is null || wave == 0 || state == MemberStates.Pending || state == change.State || WaveTally.IsOutcome(state))
                {
                    continue;
                }

                waves[wave] = waves.GetValueOrDefault(wave, new WaveTally())
                    .Minus(WaveTally.Of(state, row.GetString("Errcode"))).Plus(WaveTally.Of(change.State, change.Errcode));
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(rolloutId, change.InstallId)
                {
                    ["State"] = change.State,
                    ["TaskId"] = change.TaskId,
                    ["Server"] = change.Server,
                    ["Errcode"] = change.Errcode,
                    ["Reason"] = change.Reason,
                }, row.ETag));
            }

            if (actions.Count == 0)
            {
                return tally;
            }

            var counted = new RolloutTally(waves);
            var tallyEntity = new TableEntity(rolloutId, TallyRow) { ["Waves"] = JsonSerializer.Serialize(waves, StorageJson.Options) };
            actions.Add(tallyETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, tallyEntity, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, tallyEntity));
            try
            {
                await tables.RolloutMembers.SubmitTransactionAsync(actions, cancellationToken);
                return counted;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 409 && attempt < 50)
            {
                // A row or the tally changed since it was read (another copy, the other server): read again.
            }
        }
    }

    private async Task<(RolloutTally Tally, ETag? ETag)> ReadTallyAsync(string rolloutId, CancellationToken cancellationToken)
    {
        var row = await tables.RolloutMembers.GetEntityIfExistsAsync<TableEntity>(rolloutId, TallyRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("Waves") is { } json
            ? (new RolloutTally(JsonSerializer.Deserialize<Dictionary<int, WaveTally>>(json, StorageJson.Options) ?? []), row.Value.ETag)
            : (RolloutTally.Empty, null);
    }

    private static TableEntity Pending(string rolloutId, RolloutMember member) =>
        new(rolloutId, member.InstallId) { ["State"] = MemberStates.Pending, ["Attempt"] = member.Attempt, ["Wave"] = 0 };
}
