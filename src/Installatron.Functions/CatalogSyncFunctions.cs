using Installatron.Core.Api.Handlers;
using Installatron.Core.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Installatron.Functions;

/// <summary>The catalog sync from a WordPress.org-style source: on <c>INSTALLATRON_CATALOGSYNC_SCHEDULE</c> (the Bicep sets every 12 hours), and now through <c>POST /catalog/sync</c>.</summary>
public sealed class CatalogSyncFunctions(CatalogSync sync, CatalogApi api)
{
    [Function("CatalogSyncTimer")]
    public async Task<CatalogSyncRun?> Timer([TimerTrigger(FunctionsOptions.CatalogSyncScheduleExpression)] TimerInfo timer, FunctionContext context) =>
        sync.IsEnabled ? await sync.RunOnceAsync(context.CancellationToken) : null;

    [Function("SyncCatalog")]
    public async Task<IActionResult> SyncNow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "catalog/sync")] HttpRequest request) =>
        await api.SyncAsync(request, request.HttpContext.RequestAborted);
}
