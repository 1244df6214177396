using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Installatron.Core.Domain;

namespace Installatron.Core.Outbound.Webhooks;

/// <summary>The HTTP status the API answers an errcode with (the API's table, handed down: this layer knows no HTTP).</summary>
public delegate int ErrcodeStatus(string errcode);

/// <summary>
/// A webhook's body, in the Standard Webhooks shape <c>{"type", "timestamp", "data"}</c> where <c>data</c> is the seed's
/// envelope — as the API answers a finished task — whose own <c>data</c> holds the task, the install and, for
/// <c>*_available</c>, what became available. The install's <c>db_pass</c> is never sent.
/// </summary>
public sealed class WebhookPayloads(ErrcodeStatus statusOf)
{
    /// <summary>The webhook wire format: the API's JSON conventions (snake_case, nulls written), kept here as the webhook contract.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    public string ForTask(string @event, UpdateTask task, Install install, long timestamp)
    {
        var data = new NotificationData(task, Public(install), null);
        var envelope = task.Status == TaskStatuses.Complete
            ? new WebhookEnvelope(true, 200, null, null, $"Task {task.Id} is complete: {Summary(task, install)}\n", data)
            : new WebhookEnvelope(false, StatusOf(task.Errcode), task.Errcode, null,
                task.Status == TaskStatuses.Reverted ? $"The update failed and was reverted: {task.Message}" : $"The update failed: {task.Message}", data);
        return Serialize(@event, timestamp, envelope);
    }

    public string ForAvailable(Install install, AvailableUpdate available, long timestamp)
    {
        var what = available.Kind == AvailableUpdate.Core ? install.Application : $"{available.Kind} {available.Id}";
        var envelope = new WebhookEnvelope(true, 200, null, null,
            $"{what} {available.Version} is available for {install.Url} (installed: {available.Installed}).\n", new NotificationData(null, Public(install), available));
        return Serialize(available.Event, timestamp, envelope);
    }

    private static string Serialize(string @event, long timestamp, WebhookEnvelope envelope) =>
        JsonSerializer.Serialize(new WebhookMessage(@event, DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), envelope), Json);

    private static string Summary(UpdateTask task, Install install) =>
        task.VersionTo == UpdatePolicy.CurrentVersion
            ? $"the plugins and themes of {install.Url} were updated."
            : $"{install.Url} was updated from {task.VersionFrom} to {task.VersionTo}.";

    private int StatusOf(string? errcode)
    {
        try
        {
            return statusOf(errcode ?? ErrorCodes.FailedUpdate);
        }
        catch (ArgumentException)
        {
            return 500;
        }
    }

    private static Install Public(Install install) => install with { DbPass = "" };

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>The Standard Webhooks message shape.</summary>
public sealed record WebhookMessage(string Type, string Timestamp, WebhookEnvelope Data);

/// <summary>The seed's envelope, field for field and in its order: <c>result, status, errcode, errfield, message, data</c>.</summary>
public sealed record WebhookEnvelope(bool Result, int Status, string? Errcode, string? Errfield, string Message, object? Data);

/// <summary>The envelope's <c>data</c> in a notification: the task (null for announcements), the install, what is available.</summary>
public sealed record NotificationData(UpdateTask? Task, Install Install, AvailableUpdate? Available);
