using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Installatron.Functions;

/// <summary>Hosting accounts (Installatron Server users).</summary>
public sealed class UserFunctions(UsersApi api)
{
    [Function("CreateUser")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "users")] HttpRequest request) =>
        await api.CreateAsync(request, request.HttpContext.RequestAborted);

    [Function("GetUser")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/{user}")] HttpRequest request, string user) =>
        await api.GetAsync(request, user, request.HttpContext.RequestAborted);

    [Function("EditUser")]
    public async Task<IActionResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "users/{user}")] HttpRequest request, string user) =>
        await api.EditAsync(request, user, request.HttpContext.RequestAborted);
}
