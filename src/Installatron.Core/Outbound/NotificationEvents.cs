using Installatron.Core.Domain;

namespace Installatron.Core.Outbound;

/// <summary>
/// The events this service sends, named as the install's <c>notification</c> list names them. One finished task raises
/// one event: <c>update</c>/<c>update_error</c> when it touched the core, else <c>plugin_update</c>/<c>plugin_update_error</c>.
/// </summary>
public static class NotificationEvents
{
    public const string Update = "update";
    public const string UpdateError = "update_error";
    public const string UpdateAvailable = "update_available";
    public const string PluginUpdate = "plugin_update";
    public const string PluginUpdateError = "plugin_update_error";
    public const string PluginUpdateAvailable = "plugin_update_available";

    /// <summary>Not in any install's list: told to a webhook endpoint's owner when the endpoint is disabled.</summary>
    public const string WebhookDisabled = "webhook_disabled";

    /// <summary>The events webhook endpoints may subscribe to.</summary>
    public static readonly IReadOnlyList<string> All = [Update, UpdateError, UpdateAvailable, PluginUpdate, PluginUpdateError, PluginUpdateAvailable];

    public static string ForTask(UpdateTask task)
    {
        var core = task.VersionTo != UpdatePolicy.CurrentVersion;
        return task.Status == TaskStatuses.Complete
            ? core ? Update : PluginUpdate
            : core ? UpdateError : PluginUpdateError;
    }
}
