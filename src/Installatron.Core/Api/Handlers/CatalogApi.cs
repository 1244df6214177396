using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// <c>POST /catalog/sync</c>: runs the catalog sync now and answers what it did. When nothing could be read from the
/// source (every release failed), the answer is <c>failed_catalog_source</c> with the run as data.
/// </summary>
public sealed class CatalogApi(ApiGuard guard, CatalogSync sync)
{
    public Task<ApiResult> SyncAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            (await RequestFields.ReadAsync(request, cancellationToken)).RejectUnknown([]);
            var run = await sync.RunOnceAsync(cancellationToken);
            if (run.Items.Count > 0 && run.Items.All(i => i.Outcome == SyncOutcomes.Failed))
            {
                return ApiResult.Failure(ErrorCodes.FailedCatalogSource, null, $"{run.Summary}{run.Items[0].Message}\n", run);
            }

            return ApiResult.Success(run, run.Summary);
        });
}
