namespace Installatron.Core.Api;

/// <summary>One public route: the Functions app and the standalone server must both expose exactly these.</summary>
public sealed record ApiRoute(string Name, string Method, string Template);

/// <summary>Every route of the API, by the name the Functions app gives its function.</summary>
public static class ApiRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("UpdateInstall", "POST", "installs/{id}/update"),
        new("UpgradeInstall", "POST", "installs/{id}/upgrade"),
        new("GetInstall", "GET", "installs/{id}"),
        new("ListInstalls", "GET", "installs"),
        new("ImportInstall", "POST", "installs"),
        new("RestoreInstall", "POST", "installs/{id}/restore"),
        new("ListBackups", "GET", "backups"),
        new("GetBrowser", "GET", "browser/{app}"),
        new("PublishVersion", "POST", "browser/{app}/versions"),
        new("SetRecipe", "POST", "browser/{app}/recipe"),
        new("SyncCatalog", "POST", "catalog/sync"),
        new("CreateUser", "POST", "users"),
        new("GetUser", "GET", "users/{user}"),
        new("EditUser", "POST", "users/{user}"),
        new("ListTasks", "GET", "tasks"),
        new("GetTask", "GET", "tasks/{id}"),
        new("GetOpenApi", "GET", "openapi.json"),
        new("ListRollouts", "GET", "rollouts"),
        new("GetRollout", "GET", "rollouts/{id}"),
        new("PauseRollout", "POST", "rollouts/{id}/pause"),
        new("ResumeRollout", "POST", "rollouts/{id}/resume"),
        new("CancelRollout", "POST", "rollouts/{id}/cancel"),
        new("StartSweep", "POST", "rollouts/sweep"),
        new("CreateWebhook", "POST", "webhooks"),
        new("ListWebhooks", "GET", "webhooks"),
        new("GetWebhook", "GET", "webhooks/{id}"),
        new("EditWebhook", "POST", "webhooks/{id}"),
        new("DeleteWebhook", "DELETE", "webhooks/{id}"),
        new("ListWebhookDeliveries", "GET", "webhooks/{id}/deliveries"),
    ];
}
