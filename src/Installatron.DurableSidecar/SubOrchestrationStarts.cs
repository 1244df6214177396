using System.Security.Cryptography;
using System.Text;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Installatron.DurableSidecar;

/// <summary>
/// Gives a sub-orchestration's start message an execution ID derived from its parent's execution and the task that
/// starts it, instead of the sidecar's random one. Azure Storage sends an episode's messages before it writes the
/// episode's history, so an episode that runs again (its history write lost to another worker, or failed) sends the
/// start again. With a random ID the second start loaded no history (it asks for its own execution), ran the child as
/// a new execution over the first one and repeated every step — each activity ran twice and the first execution's
/// results were dropped. With the same ID the second start finds the child's history and is dropped as a start message
/// delivered again (<see cref="SidecarCompatibleOrchestrationService"/>).
/// </summary>
internal static class SubOrchestrationStarts
{
    public static void GiveStableExecutionIds(IEnumerable<TaskMessage> orchestratorMessages)
    {
        foreach (var message in orchestratorMessages)
        {
            if (message?.Event is ExecutionStartedEvent { ParentInstance.OrchestrationInstance: { } parent } started && started.OrchestrationInstance is { } child)
            {
                var executionId = ExecutionIdFor(parent.InstanceId, parent.ExecutionId, started.ParentInstance.TaskScheduleId);
                child.ExecutionId = executionId;
                if (message.OrchestrationInstance is { } target && target.InstanceId == child.InstanceId)
                {
                    target.ExecutionId = executionId;
                }
            }
        }
    }

    /// <summary>The same for the same parent execution and task; 32 hex digits like the sidecar's own IDs.</summary>
    public static string ExecutionIdFor(string parentInstanceId, string parentExecutionId, int taskScheduleId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{parentInstanceId}\n{parentExecutionId}\n{taskScheduleId}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
