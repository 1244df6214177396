using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;

namespace Installatron.DurableSidecar;

/// <summary>
/// The Azure Storage backend as the Durable Task SDK's sidecar needs it. The sidecar was written against its in-memory
/// backend and hands over, for sub-orchestrations only, two things Azure Storage cannot store: a protobuf map as the
/// tags of the sub-orchestration's start message (it never deserializes, the message loops) and a subclass of
/// <see cref="SubOrchestrationInstanceCreatedEvent"/> (written to History without its event type). Both are replaced by
/// plain types here. Messages the sidecar's dispatcher would choke on after a crash are dropped as the Durable Task
/// Framework's own dispatcher drops them, waits poll the instance every 100 ms instead of Azure Storage's 2 s, the
/// sidecar's activity locks are renewed (<see cref="ActivityLocks"/>), two copies of one activity may run at once
/// (<see cref="ActivityTwins"/>), a sub-orchestration started twice is one execution (<see cref="SubOrchestrationStarts"/>),
/// and start/stop are idempotent.
/// </summary>
internal sealed class SidecarCompatibleOrchestrationService(
    AzureStorageOrchestrationService inner,
    TimeSpan lockTimeout,
    TimeProvider time,
    ILogger<SidecarCompatibleOrchestrationService> logger)
    : IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IDisposable
{
    private static readonly TimeSpan WaitPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly ActivityLocks _activityLocks = new(inner, lockTimeout / 3, time, logger);
    private readonly ActivityTwins _activityTwins = new();
    private readonly Lock _lifecycle = new();
    private Task? _started;
    private Task? _stopped;

    // Lifecycle: the sidecar starts the backend when a worker first connects and stops it when its host stops; the
    // runtime stops it again after the sidecar (a no-op then). Stopping is forced: the worker has already gone, so
    // no in-memory session can finish on its own.

    public Task StartAsync()
    {
        lock (_lifecycle)
        {
            return _stopped is not null ? Task.CompletedTask : _started ??= inner.StartAsync();
        }
    }

    public Task StopAsync() => StopAsync(isForced: true);

    public Task StopAsync(bool isForced)
    {
        lock (_lifecycle)
        {
            if (_stopped is null)
            {
                _activityLocks.StopRenewing();
                _stopped = _started is null ? Task.CompletedTask : StopStartedAsync(_started);
            }

            return _stopped;
        }
    }

    private async Task StopStartedAsync(Task started)
    {
        try
        {
            await started;
        }
        catch (Exception e)
        {
            DurableLog.BackendStartFailed(logger, e);
            return;
        }

        await inner.StopAsync(isForced: true);
    }

    public void Dispose()
    {
        _activityLocks.Dispose();
        inner.Dispose();
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    // Orchestrations

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null)
        {
            DropStaleMessages(workItem);
        }

        return workItem!;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ReplaceSubOrchestrationCreatedEvents(newOrchestrationRuntimeState);
        SubOrchestrationStarts.GiveStableExecutionIds(orchestratorMessages);
        foreach (var message in orchestratorMessages.Append(continuedAsNewMessage))
        {
            if (message?.Event is ExecutionStartedEvent started)
            {
                started.Tags = PlainTags(started.Tags);
            }
        }

        if (newOrchestrationRuntimeState.ExecutionStartedEvent is { } current)
        {
            current.Tags = PlainTags(current.Tags);
        }

        if (orchestrationState is not null)
        {
            orchestrationState.Tags = PlainTags(orchestrationState.Tags);
        }

        return inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    // Activities

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (workItem is not null)
        {
            _activityTwins.Admit(workItem);
            _activityLocks.StartRenewing(workItem);
        }

        return workItem!;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await _activityLocks.StopRenewingAsync(workItem);
        await inner.CompleteTaskActivityWorkItemAsync(workItem, _activityTwins.Release(workItem, responseMessage));
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await _activityLocks.StopRenewingAsync(workItem);
        _activityTwins.Forget(workItem);
        await inner.AbandonTaskActivityWorkItemAsync(workItem);
    }

    // Client

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => inner.CreateTaskOrchestrationAsync(creationMessage);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        inner.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => inner.SendTaskOrchestrationMessageAsync(message);

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => inner.SendTaskOrchestrationMessageBatchAsync(messages);

    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        while (true)
        {
            var state = await inner.GetOrchestrationStateAsync(instanceId, executionId);
            if (state?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed
                or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled)
            {
                return state;
            }

            try
            {
                await Task.Delay(WaitPollInterval, time, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null!; // Timed out: IOrchestrationServiceClient's contract, as Azure Storage's own wait.
            }
        }
    }

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => inner.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        inner.GetOrchestrationStateAsync(instanceId, allExecutions);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        inner.GetOrchestrationStateAsync(instanceId, executionId);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => inner.GetOrchestrationHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        inner.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        inner.GetOrchestrationWithQueryAsync(query, cancellationToken);

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(instanceId);

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(purgeInstanceFilter);

    /// <summary>
    /// Leaves out of the episode the messages the Durable Task Framework's own dispatcher drops (its
    /// <c>ReconcileMessagesWithState</c>) and the sidecar's does not: a start message delivered again to an instance that
    /// has started (after a crash between its checkpoint and the message's deletion; the sidecar would fail the work item
    /// forever with "Multiple ExecutionStartedEvent found") and messages for an earlier execution. They stay in the
    /// backend's batch, so completing the work item deletes them from the queue.
    /// </summary>
    private void DropStaleMessages(TaskOrchestrationWorkItem workItem)
    {
        var state = workItem.OrchestrationRuntimeState;
        var kept = new List<TaskMessage>(workItem.NewMessages.Count);
        foreach (var message in workItem.NewMessages)
        {
            var executionId = message.OrchestrationInstance?.ExecutionId;
            var reason = message.Event.EventType == EventType.ExecutionStarted
                ? state.ExecutionStartedEvent is null ? null : "the instance has already started"
                : !string.IsNullOrEmpty(executionId) && state.OrchestrationInstance is { } current && executionId != current.ExecutionId
                    ? "it is for an earlier execution"
                    : null;
            if (reason is null)
            {
                kept.Add(message);
            }
            else
            {
                DurableLog.DroppingMessage(logger, message.Event.EventType, workItem.InstanceId, reason);
            }
        }

        if (kept.Count != workItem.NewMessages.Count)
        {
            workItem.NewMessages = kept;
        }
    }

    /// <summary>A plain dictionary for the sidecar's protobuf <c>MapField</c>, which Azure Storage's message format cannot read back.</summary>
    private static IDictionary<string, string>? PlainTags(IDictionary<string, string>? tags) =>
        tags is null or Dictionary<string, string> ? tags : new Dictionary<string, string>(tags, StringComparer.Ordinal);

    /// <summary>Replaces the sidecar's subclass of the event (which carries a trace context) by the plain event.</summary>
    private static void ReplaceSubOrchestrationCreatedEvents(OrchestrationRuntimeState state)
    {
        var replacements = new Dictionary<HistoryEvent, HistoryEvent>(ReferenceEqualityComparer.Instance);
        foreach (var events in new[] { state.Events, state.NewEvents, state.PastEvents })
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
                {
                    if (!replacements.TryGetValue(created, out var plain))
                    {
                        plain = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                        {
                            Name = created.Name,
                            Version = created.Version,
                            InstanceId = created.InstanceId,
                            Input = created.Input,
                            Timestamp = created.Timestamp,
                            IsPlayed = created.IsPlayed,
                            ExtensionData = created.ExtensionData,
                        };
                        replacements.Add(created, plain);
                    }

                    events[i] = plain;
                }
            }
        }
    }
}
