using System.Globalization;
using Installatron.Core.Domain;
using Installatron.Core.Outbound.Webhooks;

namespace Installatron.Core.Outbound.Email;

/// <summary>
/// The mails: a clear subject, what happened, the facts an owner needs (from → to, what was updated, the backup, the
/// errcode, whether it was reverted, whether the site is incomplete), and why the mail was sent. Never a secret: no
/// database password, no signing secret, no login.
/// </summary>
public static class MailComposer
{
    public static MailContent ForTask(string to, string @event, UpdateTask task, Install install)
    {
        var app = ApplicationName(install.Application);
        var core = task.VersionTo != UpdatePolicy.CurrentVersion;
        var components = string.Join(", ", task.Applied.Select(c => $"{c.Kind} {c.Id} {c.From} → {c.To}"));
        var mail = task.Status switch
        {
            TaskStatuses.Complete when core => new MailBuilder($"{app} at {install.Url} was updated to {task.VersionTo}")
                .Paragraph($"{app} at {install.Url} was updated from {task.VersionFrom} to {task.VersionTo}."),
            TaskStatuses.Complete => new MailBuilder($"Plugins and themes of {install.Url} were updated")
                .Paragraph($"The plugins and themes of {app} at {install.Url} were updated."),
            _ => new MailBuilder(FailureSubject(task, install, app, core)).Paragraph(FailureText(task, install, app, core)),
        };

        return mail
            .Fact("Site", install.Url)
            .Fact("Title", install.Title)
            .Fact("Application", app)
            .Fact("Version", core ? $"{task.VersionFrom} → {task.VersionTo}" : $"{task.VersionFrom} (unchanged)")
            .Fact("Plugins and themes", components)
            .Fact("Errcode", task.Errcode)
            .Fact("Reverted", task.Status == TaskStatuses.Failed ? "no" : task.Status == TaskStatuses.Reverted ? "yes: the site was restored from the backup taken before the update" : null)
            .Fact("Site state", task.Status == TaskStatuses.Complete ? null : install.Incomplete ? "incomplete: the update was cut off half-way and not undone" : "as before the update")
            .Fact("Backup", task.BackupId is { Length: > 0 } backup ? $"kept: {backup} (taken before the update)" : "none was taken")
            .Fact("Task", task.Automatic ? $"{task.Id} (automatic update)" : task.Id)
            .Fact("Finished", Time(task.TimeCompleted))
            .Footer(Because(@event))
            .To(to);
    }

    public static MailContent ForAvailable(string to, Install install, AvailableUpdate available)
    {
        var app = ApplicationName(install.Application);
        var what = available.Kind == AvailableUpdate.Core ? app : $"The {available.Kind} {available.Id}";
        return new MailBuilder($"{(available.Kind == AvailableUpdate.Core ? app : available.Id)} {available.Version} is available for {install.Url}")
            .Paragraph($"{what} {available.Version} is available for {install.Url}, which runs {available.Installed}.")
            .Paragraph(available.Kind == AvailableUpdate.Core
                ? $"Update it with POST /installs/{install.Id}/update (or wait for the automatic update, when the install's autoup allows it)."
                : $"Update it with POST /installs/{install.Id}/update and {{\"version\": \"current\", \"{available.Kind}s\": [\"{available.Id}\"]}}.")
            .Fact("Site", install.Url)
            .Fact("Title", install.Title)
            .Fact(available.Kind == AvailableUpdate.Core ? "Application" : Capitalized(available.Kind), available.Kind == AvailableUpdate.Core ? app : available.Id)
            .Fact("Installed", available.Installed)
            .Fact("Available", available.Version)
            .Fact("Install", install.Id)
            .Footer(Because(available.Event))
            .To(to);
    }

    public static MailContent ForDisabledEndpoint(string to, WebhookEndpoint endpoint, OutboxEntry failed, TimeSpan retriedFor) =>
        new MailBuilder($"Webhook {endpoint.Id} was disabled after {Duration(retriedFor)} of failed deliveries")
            .Paragraph($"Deliveries to the webhook endpoint {endpoint.Id} kept failing for {Duration(retriedFor)}, so it was disabled: it receives nothing until it is enabled again (POST /webhooks/{endpoint.Id} with {{\"enabled\": true}}).")
            .Fact("Endpoint", endpoint.Id)
            .Fact("URL", endpoint.Url)
            .Fact("Description", endpoint.Description)
            .Fact("Last delivery", $"{failed.Id} ({failed.Event}), {failed.Attempts} attempt(s)")
            .Fact("Last error", failed.LastError)
            .Fact("Disabled", Time(endpoint.TimeDisabled))
            .Footer("You receive this mail because you are the contact of this webhook endpoint.")
            .To(to);

    public static string ApplicationName(string application) => application == Applications.WordPress ? "WordPress" : application;

    private static string FailureSubject(UpdateTask task, Install install, string app, bool core)
    {
        var what = core ? $"The update of {app} at {install.Url} to {task.VersionTo}" : $"Updating the plugins and themes of {install.Url}";
        var how = task.Status == TaskStatuses.Reverted ? "failed and was reverted" : install.Incomplete ? "failed; the site is incomplete" : "failed";
        return $"{what} {how} ({task.Errcode})";
    }

    private static string FailureText(UpdateTask task, Install install, string app, bool core)
    {
        var what = core ? $"The update of {app} at {install.Url} from {task.VersionFrom} to {task.VersionTo}" : $"Updating the plugins and themes of {app} at {install.Url}";
        return $"{what} failed ({task.Errcode}): {task.Message.Trim()}";
    }

    private static string Because(string @event) =>
        $"You receive this mail because the install's notification list includes \"{@event}\".";

    private static string Time(long unixSeconds) =>
        unixSeconds <= 0 ? "" : DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minutes" : $"{span.TotalSeconds:0} seconds";

    private static string Capitalized(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
