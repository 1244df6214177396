using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Installatron.Functions;

/// <summary>Webhook endpoints and their delivery logs (administration).</summary>
public sealed class WebhookFunctions(WebhooksApi api)
{
    [Function("CreateWebhook")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks")] HttpRequest request) =>
        await api.CreateAsync(request, request.HttpContext.RequestAborted);

    [Function("ListWebhooks")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks")] HttpRequest request) =>
        await api.ListAsync(request, request.HttpContext.RequestAborted);

    [Function("GetWebhook")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/{id}")] HttpRequest request, string id) =>
        await api.GetAsync(request, id, request.HttpContext.RequestAborted);

    [Function("EditWebhook")]
    public async Task<IActionResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{id}")] HttpRequest request, string id) =>
        await api.EditAsync(request, id, request.HttpContext.RequestAborted);

    [Function("DeleteWebhook")]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "webhooks/{id}")] HttpRequest request, string id) =>
        await api.DeleteAsync(request, id, request.HttpContext.RequestAborted);

    [Function("ListWebhookDeliveries")]
    public async Task<IActionResult> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/{id}/deliveries")] HttpRequest request, string id) =>
        await api.ListDeliveriesAsync(request, id, request.HttpContext.RequestAborted);
}
