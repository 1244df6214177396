namespace Installatron.DurableSidecar;

/// <summary>
/// Where the embedded Durable Task runtime keeps its state: the task hub <see cref="TaskHub"/> (tables, queues and
/// blob containers named after it) in the storage account of <see cref="StorageConnectionString"/>, as Durable
/// Functions would.
/// </summary>
/// <param name="LockTimeout">
/// How long a dequeued message stays invisible to other workers. Activity locks are renewed while an activity runs, so
/// this is not a limit on activity duration; it is how long work that was in flight when the process died waits before
/// it is delivered again.
/// </param>
public sealed record DurableRuntimeSettings(string TaskHub, string StorageConnectionString, TimeSpan LockTimeout)
{
    /// <summary>
    /// The longest wait between two polls of an empty queue (the backend polls sooner after recent work). It bounds
    /// the pause between one step of an orchestration and the next; each poll of each queue is a storage request.
    /// </summary>
    public TimeSpan QueuePollingMax { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Azure Storage's rule for task hub names (they prefix table, queue and container names).</summary>
    public const string TaskHubPattern = "^[A-Za-z][A-Za-z0-9]{2,44}$";

    /// <summary>The shortest lock timeout: locks are renewed every third of it, and queue visibility is in whole seconds.</summary>
    public const string MinimumLockTimeout = "00:00:05";
}
