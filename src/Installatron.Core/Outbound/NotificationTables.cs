using Azure.Data.Tables;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Outbound;

/// <summary>
/// <c>{prefix}Notifications</c>: the outbox (partition <c>outbox</c>), webhook endpoints (<c>endpoint</c>) and what was
/// announced per install (<c>announced</c>). Created on first use; a failed creation is tried again next time.
/// </summary>
public sealed class NotificationTables(StorageAccount account, IOptions<InstallatronOptions> options)
{
    private volatile bool _created;

    public TableClient Table { get; } = account.Tables.GetTableClient(options.Value.TablePrefix + "Notifications");

    public async Task<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return Table;
    }
}
