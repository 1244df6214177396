using Installatron.Core.Domain;

namespace Installatron.Core.Outbound;

/// <summary>
/// The events this service sends, named as the install's <c>notification</c> list names them. One finished task raises
/// one event (<see cref="TaskOutcomes"/>): <c>update</c>/<c>update_error</c> when it touched the core, else
/// <c>plugin_update</c>/<c>plugin_update_error</c>; <c>restore</c>/<c>restore_error</c> for a restore.
/// </summary>
public static class NotificationEvents
{
    public const string Update = TaskOutcomes.Update;
    public const string UpdateError = TaskOutcomes.UpdateError;
    public const string UpdateAvailable = "update_available";
    public const string PluginUpdate = TaskOutcomes.PluginUpdate;
    public const string PluginUpdateError = TaskOutcomes.PluginUpdateError;
    public const string Restore = TaskOutcomes.Restore;
    public const string RestoreError = TaskOutcomes.RestoreError;
    public const string PluginUpdateAvailable = "plugin_update_available";

    /// <summary>Not in any install's list: told to a webhook endpoint's owner when the endpoint is disabled.</summary>
    public const string WebhookDisabled = "webhook_disabled";

    /// <summary>The events webhook endpoints may subscribe to.</summary>
    public static readonly IReadOnlyList<string> All =
        [Update, UpdateError, UpdateAvailable, PluginUpdate, PluginUpdateError, PluginUpdateAvailable, Restore, RestoreError];

    public static string ForTask(UpdateTask task) => TaskOutcomes.For(task);
}
