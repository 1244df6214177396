using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>
/// The install routes. Authorization is Anonymous on purpose: every handler checks the seed's X-API-KEY itself,
/// and callers of Installatron's API send no Functions key.
/// </summary>
public sealed class InstallFunctions(InstallsApi api)
{
    [Function("UpdateInstall")]
    public async Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{id}/update")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, id, client, request.HttpContext.RequestAborted);

    [Function("RestoreInstall")]
    public async Task<IActionResult> Restore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{id}/restore")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        await api.RestoreAsync(request, id, client, request.HttpContext.RequestAborted);

    [Function("UpgradeInstall")]
    public async Task<IActionResult> Upgrade(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs/{id}/upgrade")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        await api.UpdateAsync(request, id, client, request.HttpContext.RequestAborted);

    [Function("GetInstall")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "installs/{id}")] HttpRequest request, string id) =>
        await api.GetAsync(request, id, request.HttpContext.RequestAborted);

    [Function("ListInstalls")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "installs")] HttpRequest request) =>
        await api.ListAsync(request, request.HttpContext.RequestAborted);

    [Function("ImportInstall")]
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "installs")] HttpRequest request) =>
        await api.ImportAsync(request, request.HttpContext.RequestAborted);
}
