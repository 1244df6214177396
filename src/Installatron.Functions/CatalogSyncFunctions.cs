using Installatron.Core.Api.Handlers;
using Installatron.Core.Catalog;
using Installatron.Core.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>
/// The catalog sync from a WordPress.org-style source: on <c>INSTALLATRON_CATALOGSYNC_SCHEDULE</c> (the Bicep sets every
/// 12 hours), and now through <c>POST /catalog/sync</c>. What a sync adds is announced.
/// </summary>
public sealed class CatalogSyncFunctions(CatalogSync sync, CatalogApi api, UpdateAnnouncer announcer)
{
    [Function("CatalogSyncTimer")]
    public async Task<CatalogSyncRun?> Timer(
        [TimerTrigger(FunctionsOptions.CatalogSyncScheduleExpression)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        if (!sync.IsEnabled)
        {
            return null;
        }

        var run = await sync.RunOnceAsync(context.CancellationToken);
        await announcer.AfterCatalogSyncAsync(run, client, context.CancellationToken);
        return run;
    }

    [Function("SyncCatalog")]
    public async Task<IActionResult> SyncNow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/sync")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        await api.SyncAsync(request, client, request.HttpContext.RequestAborted);
}
