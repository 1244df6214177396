namespace Installatron.Core.Outbound;

/// <summary>A newer version an install could be updated to: of its core (<c>kind</c> <c>core</c>) or of a plugin or theme.</summary>
public sealed record AvailableUpdate(string Kind, string Id, string Installed, string Version)
{
    public const string Core = "core";
    public const string Plugin = "plugin";
    public const string Theme = "theme";

    /// <summary>What the announcement record remembers it under: <c>core</c>, <c>plugin:akismet</c>, <c>theme:twentytwentyfive</c>.</summary>
    public string Key => Kind == Core ? Core : $"{Kind}:{Id}";

    public string Event => Kind == Core ? NotificationEvents.UpdateAvailable : NotificationEvents.PluginUpdateAvailable;
}
