using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// <c>POST /catalog/sync</c>: runs the catalog sync now and answers what it did. When nothing could be read from the
/// source (every release failed), the answer is <c>failed_catalog_source</c> with the run as data. Versions it added
/// are announced (<see cref="UpdateAnnouncer"/>).
/// </summary>
public sealed class CatalogApi(ApiGuard guard, CatalogSync sync, UpdateAnnouncer announcer)
{
    public Task<ApiResult> SyncAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            (await RequestFields.ReadAsync(request, cancellationToken)).RejectUnknown([]);
            var run = await sync.RunOnceAsync(cancellationToken);
            await announcer.AfterCatalogSyncAsync(run, client, cancellationToken);
            if (run.Items.Count > 0 && run.Items.All(i => i.Outcome == SyncOutcomes.Failed))
            {
                return ApiResult.Failure(ErrorCodes.FailedCatalogSource, null, $"{run.Summary}{run.Items[0].Message}\n", run);
            }

            return ApiResult.Success(run, run.Summary);
        });
}
