using Installatron.Core.Api.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Installatron.Functions;

/// <summary>An install's backups (GET /backups?install=).</summary>
public sealed class BackupFunctions(BackupsApi api)
{
    [Function("ListBackups")]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "backups")] HttpRequest request) =>
        await api.ListAsync(request, request.HttpContext.RequestAborted);
}
