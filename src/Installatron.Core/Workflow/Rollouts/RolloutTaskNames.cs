namespace Installatron.Core.Workflow.Rollouts;

/// <summary>Names of the sweep's and the rollouts' orchestrations and activities, stored in history: never rename one after it has run.</summary>
public static class RolloutTaskNames
{
    public const string Sweep = "AutoUpdateSweepOrchestration";
    public const string PlanPage = "SweepPlanPage";
    public const string ClaimRunners = "SweepClaimRunners";
    public const string FinishSweep = "SweepFinish";

    public const string Rollout = "RolloutOrchestration";
    public const string TakeWave = "RolloutTakeWave";
    public const string StartMembers = "RolloutStartMembers";
    public const string RecordOutcomes = "RolloutRecordOutcomes";
    public const string FinishRun = "RolloutFinishRun";
    public const string Advance = "RolloutAdvance";
}
