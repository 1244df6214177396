using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>Update tasks (the seed's GET /tasks).</summary>
public sealed class TaskFunctions(TasksApi api)
{
    [Function("ListTasks")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tasks")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        await api.ListAsync(request, client, request.HttpContext.RequestAborted);

    [Function("GetTask")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tasks/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        await api.GetAsync(request, id, client, request.HttpContext.RequestAborted);
}
