using System.Collections.Concurrent;
using System.Globalization;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Installatron.DurableSidecar;

/// <summary>
/// Lets two copies of one activity run at once in this process. The sidecar keys a running activity by its
/// orchestration's instance ID and task ID only; a second work item with the same key (the same activity scheduled
/// twice: an orchestration episode run again after its messages were sent, or a sub-orchestration started twice) got a
/// completion nobody ever signals, so it never finished and its lock was renewed for ever — and when the copy left
/// waiting was the one its orchestration needed, that orchestration waited for ever. A twin is handed to the sidecar
/// under a task ID of its own (negative: never a real one), and its result is given its real task ID back.
/// </summary>
internal sealed class ActivityTwins
{
    private readonly ConcurrentDictionary<string, string> _runningKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Running> _byWorkItem = new(StringComparer.Ordinal);
    private int _lastAlias = -1;

    /// <summary>Records <paramref name="workItem"/> as running; a twin of one already running gets a task ID of its own.</summary>
    public void Admit(TaskActivityWorkItem workItem)
    {
        if (workItem.TaskMessage.Event is not TaskScheduledEvent scheduled)
        {
            return;
        }

        var instanceId = workItem.TaskMessage.OrchestrationInstance.InstanceId;
        var key = Key(instanceId, scheduled.EventId);
        if (_runningKeys.TryAdd(key, workItem.Id))
        {
            _byWorkItem[workItem.Id] = new Running(key, null);
            return;
        }

        var alias = Interlocked.Decrement(ref _lastAlias);
        var aliasKey = Key(instanceId, alias);
        _runningKeys[aliasKey] = workItem.Id;
        _byWorkItem[workItem.Id] = new Running(aliasKey, scheduled.EventId);
        workItem.TaskMessage = new TaskMessage
        {
            Event = new TaskScheduledEvent(alias, scheduled.Name ?? "", scheduled.Version, scheduled.Input)
            {
                Timestamp = scheduled.Timestamp,
                Tags = scheduled.Tags,
                ParentTraceContext = scheduled.ParentTraceContext,
            },
            OrchestrationInstance = workItem.TaskMessage.OrchestrationInstance,
            SequenceNumber = workItem.TaskMessage.SequenceNumber,
        };
    }

    /// <summary>Forgets <paramref name="workItem"/>; its <paramref name="response"/>, with the real task ID when it ran as a twin.</summary>
    public TaskMessage Release(TaskActivityWorkItem workItem, TaskMessage response) =>
        Forget(workItem) is { } taskId ? WithTaskId(response, taskId) : response;

    /// <summary>Forgets <paramref name="workItem"/>; the real task ID when it ran as a twin.</summary>
    public int? Forget(TaskActivityWorkItem workItem)
    {
        if (!_byWorkItem.TryRemove(workItem.Id, out var running))
        {
            return null;
        }

        _runningKeys.TryRemove(new KeyValuePair<string, string>(running.Key, workItem.Id));
        return running.RealTaskId;
    }

    private static TaskMessage WithTaskId(TaskMessage response, int taskId) => new()
    {
        Event = response.Event switch
        {
            TaskCompletedEvent completed => new TaskCompletedEvent(completed.EventId, taskId, completed.Result) { Timestamp = completed.Timestamp },
            TaskFailedEvent failed => new TaskFailedEvent(failed.EventId, taskId, failed.Reason, failed.Details, failed.FailureDetails) { Timestamp = failed.Timestamp },
            _ => response.Event,
        },
        OrchestrationInstance = response.OrchestrationInstance,
        SequenceNumber = response.SequenceNumber,
    };

    private static string Key(string instanceId, int taskId) => string.Concat(instanceId, "_", taskId.ToString(CultureInfo.InvariantCulture));

    private sealed record Running(string Key, int? RealTaskId);
}
