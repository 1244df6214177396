using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Microsoft.DurableTask.Client;

namespace Installatron.Server;

/// <summary>The same routes as the Functions app (<see cref="ApiRoutes"/>), calling the same handlers.</summary>
public static class ServerRoutes
{
    /// <summary>
    /// Refuses a request without the right key before routing (<see cref="ApiGuard.RefuseWithoutKey"/>): every route
    /// answers it the same way, so there is nothing to route. Must come before <c>UseRouting</c>.
    /// </summary>
    public static void UseKeyCheckFirst(this WebApplication app)
    {
        var guard = app.Services.GetRequiredService<ApiGuard>();
        app.Use((context, next) => guard.RefuseWithoutKey(context) ?? next(context));
    }

    public static void MapInstallatronRoutes(this WebApplication app)
    {
        app.MapPost("/installs/{id}/update", (HttpRequest r, string id, InstallsApi api, DurableTaskClient client, CancellationToken ct) => api.UpdateAsync(r, id, client, ct)).WithName("UpdateInstall");
        app.MapPost("/installs/{id}/upgrade", (HttpRequest r, string id, InstallsApi api, DurableTaskClient client, CancellationToken ct) => api.UpdateAsync(r, id, client, ct)).WithName("UpgradeInstall");
        app.MapGet("/installs/{id}", (HttpRequest r, string id, InstallsApi api, CancellationToken ct) => api.GetAsync(r, id, ct)).WithName("GetInstall");
        app.MapGet("/installs", (HttpRequest r, InstallsApi api, CancellationToken ct) => api.ListAsync(r, ct)).WithName("ListInstalls");
        app.MapPost("/installs", (HttpRequest r, InstallsApi api, CancellationToken ct) => api.ImportAsync(r, ct)).WithName("ImportInstall");
        app.MapPost("/installs/{id}/restore", (HttpRequest r, string id, InstallsApi api, DurableTaskClient client, CancellationToken ct) => api.RestoreAsync(r, id, client, ct)).WithName("RestoreInstall");
        app.MapGet("/backups", (HttpRequest r, BackupsApi api, CancellationToken ct) => api.ListAsync(r, ct)).WithName("ListBackups");
        app.MapGet("/browser/{app}", (HttpRequest r, string app, BrowserApi api, CancellationToken ct) => api.GetAsync(r, app, ct)).WithName("GetBrowser");
        app.MapPost("/browser/{app}/versions", (HttpRequest r, string app, BrowserApi api, CancellationToken ct) => api.PublishAsync(r, app, ct)).WithName("PublishVersion");
        app.MapPost("/browser/{app}/recipe", (HttpRequest r, string app, BrowserApi api, CancellationToken ct) => api.SetRecipeAsync(r, app, ct)).WithName("SetRecipe");
        app.MapPost("/catalog/sync", (HttpRequest r, CatalogApi api, DurableTaskClient client, CancellationToken ct) => api.SyncAsync(r, client, ct)).WithName("SyncCatalog");
        app.MapPost("/users", (HttpRequest r, UsersApi api, CancellationToken ct) => api.CreateAsync(r, ct)).WithName("CreateUser");
        app.MapGet("/users/{user}", (HttpRequest r, string user, UsersApi api, CancellationToken ct) => api.GetAsync(r, user, ct)).WithName("GetUser");
        app.MapPost("/users/{user}", (HttpRequest r, string user, UsersApi api, CancellationToken ct) => api.EditAsync(r, user, ct)).WithName("EditUser");
        app.MapGet("/tasks", (HttpRequest r, TasksApi api, DurableTaskClient client, CancellationToken ct) => api.ListAsync(r, client, ct)).WithName("ListTasks");
        app.MapGet("/tasks/{id}", (HttpRequest r, string id, TasksApi api, DurableTaskClient client, CancellationToken ct) => api.GetAsync(r, id, client, ct)).WithName("GetTask");
        app.MapGet("/openapi.json", (HttpRequest r, OpenApiApi api) => api.GetAsync(r)).WithName("GetOpenApi");
        app.MapPost("/webhooks", (HttpRequest r, WebhooksApi api, CancellationToken ct) => api.CreateAsync(r, ct)).WithName("CreateWebhook");
        app.MapGet("/webhooks", (HttpRequest r, WebhooksApi api, CancellationToken ct) => api.ListAsync(r, ct)).WithName("ListWebhooks");
        app.MapGet("/webhooks/{id}", (HttpRequest r, string id, WebhooksApi api, CancellationToken ct) => api.GetAsync(r, id, ct)).WithName("GetWebhook");
        app.MapPost("/webhooks/{id}", (HttpRequest r, string id, WebhooksApi api, CancellationToken ct) => api.EditAsync(r, id, ct)).WithName("EditWebhook");
        app.MapDelete("/webhooks/{id}", (HttpRequest r, string id, WebhooksApi api, CancellationToken ct) => api.DeleteAsync(r, id, ct)).WithName("DeleteWebhook");
        app.MapGet("/webhooks/{id}/deliveries", (HttpRequest r, string id, WebhooksApi api, CancellationToken ct) => api.ListDeliveriesAsync(r, id, ct)).WithName("ListWebhookDeliveries");

        app.MapGet("/rollouts", (HttpRequest r, RolloutsApi api, CancellationToken ct) => api.ListAsync(r, ct)).WithName("ListRollouts");
        app.MapGet("/rollouts/{id}", (HttpRequest r, string id, RolloutsApi api, CancellationToken ct) => api.GetAsync(r, id, ct)).WithName("GetRollout");
        app.MapPost("/rollouts/{id}/pause", (HttpRequest r, string id, RolloutsApi api, CancellationToken ct) => api.PauseAsync(r, id, ct)).WithName("PauseRollout");
        app.MapPost("/rollouts/{id}/resume", (HttpRequest r, string id, RolloutsApi api, DurableTaskClient client, CancellationToken ct) => api.ResumeAsync(r, id, client, ct)).WithName("ResumeRollout");
        app.MapPost("/rollouts/{id}/cancel", (HttpRequest r, string id, RolloutsApi api, CancellationToken ct) => api.CancelAsync(r, id, ct)).WithName("CancelRollout");
        app.MapPost("/rollouts/sweep", (HttpRequest r, RolloutsApi api, DurableTaskClient client, CancellationToken ct) => api.SweepAsync(r, client, ct)).WithName("StartSweep");

        app.MapFallback("{*path}", (HttpRequest r, ApiGuard guard) => guard.RouteNotFoundAsync(r));
    }
}
