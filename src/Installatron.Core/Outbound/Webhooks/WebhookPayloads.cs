using System.Globalization;
using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Outbound.Webhooks;

/// <summary>
/// A webhook's body, in the Standard Webhooks shape <c>{"type", "timestamp", "data"}</c> where <c>data</c> is the seed's
/// envelope — as <c>GET /tasks/{id}</c> would answer the task — whose own <c>data</c> holds the task, the install and,
/// for <c>*_available</c>, what became available. The install's <c>db_pass</c> is never sent.
/// </summary>
public static class WebhookPayloads
{
    public static string ForTask(string @event, UpdateTask task, Install install, long timestamp)
    {
        var data = new NotificationData(task, Public(install), null);
        var envelope = task.Status == TaskStatuses.Complete
            ? ApiResult.Success(data, $"Task {task.Id} is complete: {Summary(task, install)}\n").Envelope
            : new Envelope(false, StatusOf(task.Errcode), task.Errcode, null,
                task.Status == TaskStatuses.Reverted ? $"The update failed and was reverted: {task.Message}" : $"The update failed: {task.Message}", data);
        return Serialize(@event, timestamp, envelope);
    }

    public static string ForAvailable(Install install, AvailableUpdate available, long timestamp)
    {
        var what = available.Kind == AvailableUpdate.Core ? install.Application : $"{available.Kind} {available.Id}";
        var envelope = ApiResult.Success(new NotificationData(null, Public(install), available),
            $"{what} {available.Version} is available for {install.Url} (installed: {available.Installed}).\n").Envelope;
        return Serialize(available.Event, timestamp, envelope);
    }

    private static string Serialize(string @event, long timestamp, Envelope envelope) =>
        JsonSerializer.Serialize(new WebhookMessage(@event, DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), envelope), ApiJson.Options);

    private static string Summary(UpdateTask task, Install install) =>
        task.VersionTo == UpdatePolicy.CurrentVersion
            ? $"the plugins and themes of {install.Url} were updated."
            : $"{install.Url} was updated from {task.VersionFrom} to {task.VersionTo}.";

    private static int StatusOf(string? errcode)
    {
        try
        {
            return ErrorCodes.StatusOf(errcode ?? ErrorCodes.FailedUpdate);
        }
        catch (ArgumentException)
        {
            return 500;
        }
    }

    private static Install Public(Install install) => install with { DbPass = "" };
}

/// <summary>The Standard Webhooks message shape.</summary>
public sealed record WebhookMessage(string Type, string Timestamp, Envelope Data);

/// <summary>The envelope's <c>data</c> in a notification: the task (null for announcements), the install, what is available.</summary>
public sealed record NotificationData(UpdateTask? Task, Install Install, AvailableUpdate? Available);
