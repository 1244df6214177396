using Azure;
using Azure.Data.Tables;
using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Outbound.Webhooks;

/// <summary>Webhook endpoints (partition <c>endpoint</c>, row = endpoint ID); changes are ETag-checked.</summary>
public sealed class WebhookEndpointStore(NotificationTables tables)
{
    private const string Partition = "endpoint";

    public async Task<Stored<WebhookEndpoint>?> GetAsync(string id, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).GetAsync<WebhookEndpoint>(Partition, id, cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(cancellationToken);
        var endpoints = new List<WebhookEndpoint>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            endpoints.Add(DocumentEntity.Read<WebhookEndpoint>(entity).Value);
        }

        return endpoints.OrderBy(e => e.TimeCreated).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    public async Task AddAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).AddAsync(ToEntity(endpoint),
            new Refusal(ErrorCodes.ConcurrentModification, null, $"The webhook {endpoint.Id} exists."), cancellationToken);

    public async Task<ETag> ReplaceAsync(WebhookEndpoint endpoint, ETag etag, CancellationToken cancellationToken) =>
        await (await tables.GetAsync(cancellationToken)).ReplaceAsync(ToEntity(endpoint), etag, cancellationToken);

    public async Task DeleteAsync(string id, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await (await tables.GetAsync(cancellationToken)).DeleteEntityAsync(Partition, id, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new Refusal(ErrorCodes.ConcurrentModification, null, $"The webhook {id} was changed by another request at the same time; read it again and retry.");
        }
    }

    private static TableEntity ToEntity(WebhookEndpoint endpoint) =>
        DocumentEntity.Create(Partition, endpoint.Id, endpoint, new Dictionary<string, object> { ["User"] = endpoint.User });
}
