using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>Rollouts of automatic updates: progress, pause, resume, cancel, and a sweep started now.</summary>
public sealed class RolloutFunctions(RolloutsApi api)
{
    [Function("ListRollouts")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts")] HttpRequest request) =>
        await api.ListAsync(request, request.HttpContext.RequestAborted);

    [Function("GetRollout")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts/{id}")] HttpRequest request, string id) =>
        await api.GetAsync(request, id, request.HttpContext.RequestAborted);

    [Function("PauseRollout")]
    public async Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/pause")] HttpRequest request, string id) =>
        await api.PauseAsync(request, id, request.HttpContext.RequestAborted);

    [Function("ResumeRollout")]
    public async Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/resume")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        await api.ResumeAsync(request, id, client, request.HttpContext.RequestAborted);

    [Function("CancelRollout")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/cancel")] HttpRequest request, string id) =>
        await api.CancelAsync(request, id, request.HttpContext.RequestAborted);

    [Function("StartSweep")]
    public async Task<IActionResult> Sweep(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/sweep")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        await api.SweepAsync(request, client, request.HttpContext.RequestAborted);
}
