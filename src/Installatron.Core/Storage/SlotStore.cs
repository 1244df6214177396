using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Installatron.Core.Storage;

/// <summary>A claim for one update's slots: who holds them, and on which hosting server the update runs.</summary>
public sealed record SlotClaim(string Holder, string Server);

/// <summary>
/// Counting semaphores in a table, shared by every runner on every machine: one row for all automatic updates and one
/// per hosting server, each listing its holders (a JSON column, changed only with the row's ETag). A row never holds
/// more than its limit. Claims and releases name their holder, so doing either twice changes nothing. Holders older
/// than <see cref="Abandoned"/> (their runner was terminated from outside) are dropped.
/// </summary>
public sealed class SlotStore(InstallatronTables tables, TimeProvider time)
{
    public const string OverallKey = "all";

    public static readonly TimeSpan Abandoned = TimeSpan.FromHours(24);

    private const string Partition = "slots";

    public static string ServerKey(string server) => "server~" + server;

    /// <summary>Grants the claims, in order, that fit under both limits; returns the holders granted (those that held already included).</summary>
    public async Task<IReadOnlySet<string>> ClaimAsync(IReadOnlyList<SlotClaim> claims, int maxOverall, int maxPerServer, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            // One claim at a time and server row before the overall row: a claim that does not fit is undone before the next.
            if (await AddAsync(ServerKey(claim.Server), claim.Holder, maxPerServer, cancellationToken))
            {
                if (await AddAsync(OverallKey, claim.Holder, maxOverall, cancellationToken))
                {
                    granted.Add(claim.Holder);
                }
                else
                {
                    await RemoveAsync(ServerKey(claim.Server), [claim.Holder], cancellationToken);
                }
            }
        }

        return granted;
    }

    public async Task ReleaseAsync(IReadOnlyList<SlotClaim> claims, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        foreach (var server in claims.GroupBy(c => c.Server, StringComparer.Ordinal))
        {
            await RemoveAsync(ServerKey(server.Key), server.Select(c => c.Holder).ToList(), cancellationToken);
        }

        await RemoveAsync(OverallKey, claims.Select(c => c.Holder).ToList(), cancellationToken);
    }

    /// <summary>The holders of a slot row now (for tests and the benchmark).</summary>
    public async Task<IReadOnlyList<string>> HoldersAsync(string key, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var (holders, _) = await ReadAsync(key, cancellationToken);
        return holders.Keys.ToList();
    }

    private Task<bool> AddAsync(string key, string holder, int limit, CancellationToken cancellationToken) =>
        ChangeAsync(key, holders =>
        {
            if (holders.ContainsKey(holder))
            {
                return true;
            }

            if (holders.Count >= limit)
            {
                return false;
            }

            holders[holder] = time.GetUtcNow().ToUnixTimeSeconds();
            return true;
        }, cancellationToken);

    private Task RemoveAsync(string key, IReadOnlyList<string> leaving, CancellationToken cancellationToken) =>
        ChangeAsync(key, holders =>
        {
            foreach (var holder in leaving)
            {
                holders.Remove(holder);
            }

            return true;
        }, cancellationToken);

    /// <summary>Reads the row, applies <paramref name="change"/> and writes it back with its ETag (again on a concurrent change).</summary>
    private async Task<bool> ChangeAsync(string key, Func<Dictionary<string, long>, bool> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (holders, etag) = await ReadAsync(key, cancellationToken);
            var before = holders.Count;
            var oldest = time.GetUtcNow().ToUnixTimeSeconds() - (long)Abandoned.TotalSeconds;
            foreach (var abandoned in holders.Where(h => h.Value < oldest).Select(h => h.Key).ToList())
            {
                holders.Remove(abandoned);
            }

            var snapshot = JsonSerializer.Serialize(holders);
            var result = change(holders);
            if (JsonSerializer.Serialize(holders) == snapshot && holders.Count == before)
            {
                return result;
            }

            var entity = new TableEntity(Partition, key) { ["Holders"] = JsonSerializer.Serialize(holders) };
            try
            {
                if (etag is { } current)
                {
                    await tables.Slots.UpdateEntityAsync(entity, current, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await tables.Slots.AddEntityAsync(entity, cancellationToken);
                }

                return result;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Changed by another runner in between: read again.
            }
        }
    }

    private async Task<(Dictionary<string, long> Holders, ETag? ETag)> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var row = await tables.Slots.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (new Dictionary<string, long>(StringComparer.Ordinal), null);
        }

        var holders = JsonSerializer.Deserialize<Dictionary<string, long>>(row.Value!.GetString("Holders") ?? "{}") ?? [];
        return (new Dictionary<string, long>(holders, StringComparer.Ordinal), row.Value.ETag);
    }
}
