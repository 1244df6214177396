namespace Installatron.Core.Outbound.Workflow;

/// <summary>Task names are stored in orchestration history: never rename one after it has run.</summary>
public static class NotificationTaskNames
{
    /// <summary>The activity the update orchestration calls after finalize: outbox rows, then their deliveries.</summary>
    public const string Notify = Core.Workflow.TaskNames.Notify;

    /// <summary>One orchestration per outbox row (instance ID = the row's ID): attempts on durable timers.</summary>
    public const string Deliver = "NotificationDelivery";

    public const string Attempt = "NotificationAttempt";
}
