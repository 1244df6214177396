using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Installatron.Functions;

/// <summary>The application catalog and the API's own description.</summary>
public sealed class CatalogFunctions(BrowserApi browser, OpenApiApi openApi)
{
    [Function("GetBrowser")]
    public async Task<IActionResult> GetBrowser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "browser/{app}")] HttpRequest request, string app) =>
        await browser.GetAsync(request, app, request.HttpContext.RequestAborted);

    [Function("PublishVersion")]
    public async Task<IActionResult> PublishVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "browser/{app}/versions")] HttpRequest request, string app) =>
        await browser.PublishAsync(request, app, request.HttpContext.RequestAborted);

    [Function("SetRecipe")]
    public async Task<IActionResult> SetRecipe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "browser/{app}/recipe")] HttpRequest request, string app) =>
        await browser.SetRecipeAsync(request, app, request.HttpContext.RequestAborted);

    [Function("GetOpenApi")]
    public async Task<IActionResult> GetOpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        await openApi.GetAsync(request);
}
