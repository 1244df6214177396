using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>A value read from a table, with the ETag that a later change must present.</summary>
public sealed record Stored<T>(T Value, ETag ETag);

/// <summary>
/// Records are stored as their JSON (the API's own shape) in string columns of at most 30,000 characters each, beside
/// the plain columns queries filter on. Table Storage limits a string column to 64 KiB and an entity to 1 MiB.
/// </summary>
public static class DocumentEntity
{
    private const int ChunkChars = 30_000;
    private const int MaxChunks = 15;

    public static TableEntity Create<T>(string partitionKey, string rowKey, T value, IDictionary<string, object>? columns = null)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        if (columns is not null)
        {
            foreach (var (name, column) in columns)
            {
                entity[name] = column;
            }
        }

        var json = JsonSerializer.Serialize(value, StorageJson.Options);
        var chunks = json.Chunk(ChunkChars).Select(chars => new string(chars)).ToList();
        if (chunks.Count > MaxChunks)
        {
            throw new InvalidOperationException($"The record {partitionKey}/{rowKey} is too large to store ({json.Length} characters).");
        }

        entity["Chunks"] = chunks.Count;
        for (var i = 0; i < chunks.Count; i++)
        {
            entity[$"Document{i}"] = chunks[i];
        }

        return entity;
    }

    public static Stored<T> Read<T>(TableEntity entity)
    {
        var count = entity.GetInt32("Chunks") ?? 0;
        var json = string.Concat(Enumerable.Range(0, count).Select(i => entity.GetString($"Document{i}")));
        var value = JsonSerializer.Deserialize<T>(json, StorageJson.Options)
            ?? throw new InvalidOperationException($"The record {entity.PartitionKey}/{entity.RowKey} is empty.");
        return new Stored<T>(value, entity.ETag);
    }

    public static async Task<Stored<T>?> GetAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? Read<T>(entity) : null;
    }

    /// <summary>Adds a new row; <paramref name="exists"/> is thrown when the key is taken (409 from the service).</summary>
    public static async Task<ETag> AddAsync(this TableClient table, TableEntity entity, Refusal exists, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken);
            return response.Headers.ETag ?? default;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw exists;
        }
    }

    /// <summary>Replaces a row only if it still has <paramref name="etag"/>; a concurrent change is refused, never overwritten.</summary>
    public static async Task<ETag> ReplaceAsync(this TableClient table, TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag ?? default;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new Refusal(ErrorCodes.ConcurrentModification, null,
                $"{entity.PartitionKey} was changed by another request at the same time; read it again and retry.");
        }
    }
}
