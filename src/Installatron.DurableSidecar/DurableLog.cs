namespace Installatron.DurableSidecar;

internal static partial class DurableLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Durable Task sidecar for task hub {TaskHub} listening on 127.0.0.1:{Port} ({ElapsedMs} ms)")]
    public static partial void SidecarStarted(ILogger logger, string taskHub, int port, long elapsedMs);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Durable Task sidecar for task hub {TaskHub} stopped ({ElapsedMs} ms)")]
    public static partial void SidecarStopped(ILogger logger, string taskHub, long elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Renewing the lock of activity work item {WorkItemId} failed")]
    public static partial void ActivityLockRenewalFailed(ILogger logger, string workItemId, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The Azure Storage backend of the Durable Task sidecar failed to start")]
    public static partial void BackendStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "The Durable Task backend did not finish stopping in time; its partition leases expire on their own")]
    public static partial void BackendStopTimedOut(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Dropping a {EventType} message for orchestration {InstanceId}: {Reason}")]
    public static partial void DroppingMessage(ILogger logger, DurableTask.Core.History.EventType eventType, string instanceId, string reason);
}
