using Azure;
using Azure.Data.Tables;
using Installatron.Core.Storage;

namespace Installatron.Core.Outbound;

/// <summary>Outbox rows (partition <c>outbox</c>, row = the entry's ID), with channel, destination and status as columns.</summary>
public sealed class OutboxStore(NotificationTables tables)
{
    private const string Partition = "outbox";

    /// <summary>Adds the entry unless a row with its ID exists; either way returns the stored row.</summary>
    public async Task<Stored<OutboxEntry>> AddIfMissingAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(ToEntity(entry), cancellationToken);
            return new Stored<OutboxEntry>(entry, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await GetAsync(entry.Id, cancellationToken))!;
        }
    }

    public async Task<Stored<OutboxEntry>?> GetAsync(string id, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).GetAsync<OutboxEntry>(Partition, id, cancellationToken);

    /// <summary>Replaces the row only if it still has <paramref name="etag"/> (else <c>concurrent_modification</c>).</summary>
    public async Task<ETag> ReplaceAsync(OutboxEntry entry, ETag etag, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).ReplaceAsync(ToEntity(entry), etag, cancellationToken);

    /// <summary>The deliveries to one webhook endpoint, newest first.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListForEndpointAsync(string endpointId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Channel eq {OutboxChannels.Webhook} and Destination eq {endpointId}");
        var entries = new List<OutboxEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(DocumentEntity.Read<OutboxEntry>(entity).Value);
        }

        return entries.OrderByDescending(e => e.TimeCreated).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    private static TableEntity ToEntity(OutboxEntry entry) =>
        DocumentEntity.Create(Partition, entry.Id, entry, new Dictionary<string, object>
        {
            ["Channel"] = entry.Channel,
            ["Destination"] = entry.Destination,
            ["Status"] = entry.Status,
            ["TaskId"] = entry.TaskId,
        });
}

