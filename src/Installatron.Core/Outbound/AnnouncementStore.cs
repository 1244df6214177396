using Azure;
using Azure.Data.Tables;
using Installatron.Core.Storage;

namespace Installatron.Core.Outbound;

/// <summary>
/// What was announced as available per install (partition <c>announced</c>, row = install ID): for the core and each
/// plugin or theme (<c>core</c>, <c>plugin:akismet</c>, <c>theme:twentytwentyfive</c>) the last version announced, so
/// each newly available version is announced once, not once per sweep.
/// </summary>
public sealed class AnnouncementStore(NotificationTables tables)
{
    private const string Partition = "announced";

    public async Task<Stored<Announced>?> GetAsync(string installId, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).GetAsync<Announced>(Partition, installId, cancellationToken);

    /// <summary>Stores the versions; <paramref name="etag"/> null adds the row. A concurrent change is refused.</summary>
    public async Task SaveAsync(string installId, Announced announced, ETag? etag, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(cancellationToken);
        var entity = DocumentEntity.Create(Partition, installId, announced);
        if (etag is { } current)
        {
            await table.ReplaceAsync(entity, current, cancellationToken);
        }
        else
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }
}

/// <summary>The last version announced per thing (<c>core</c>, <c>plugin:{id}</c>, <c>theme:{id}</c>).</summary>
public sealed record Announced(IReadOnlyDictionary<string, string> Versions);
