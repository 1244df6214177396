using Installatron.Core.Workflow;
using Installatron.Core.Workflow.Activities;
using Installatron.Core.Workflow.Rollouts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Functions;

/// <summary>
/// The update orchestration and its activities, the sweep and the rollouts, as Durable Functions. Thin wrappers: the classes live in the core
/// and are the same ones the standalone server registers (the Durable source generator is not available here).
/// </summary>
public sealed class WorkflowFunctions
{
    [Function(TaskNames.UpdateInstall)]
    public Task<UpdateOutcome> UpdateInstall([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new UpdateInstallOrchestrator().RunAsync(context, context.GetInput<UpdateInput>()!);

    [Function(TaskNames.Preflight)]
    public Task<PreflightResult> Preflight([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<PreflightActivity, UpdateInput, PreflightResult>(context, TaskNames.Preflight, input);

    [Function(TaskNames.HealthBaseline)]
    public Task<string> HealthBaseline([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<HealthBaselineActivity, UpdateInput, string>(context, TaskNames.HealthBaseline, input);

    [Function(TaskNames.Backup)]
    public Task<string> Backup([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<BackupActivity, UpdateInput, string>(context, TaskNames.Backup, input);

    [Function(TaskNames.Apply)]
    public Task<ApplyOutcome> Apply([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<ApplyActivity, UpdateInput, ApplyOutcome>(context, TaskNames.Apply, input);

    [Function(TaskNames.Verify)]
    public Task<bool> Verify([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<VerifyActivity, UpdateInput, bool>(context, TaskNames.Verify, input);

    [Function(TaskNames.HealthCheck)]
    public Task<HealthOutcome> HealthCheck([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<HealthCheckActivity, UpdateInput, HealthOutcome>(context, TaskNames.HealthCheck, input);

    [Function(TaskNames.Revert)]
    public Task<bool> Revert([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<RevertActivity, UpdateInput, bool>(context, TaskNames.Revert, input);

    [Function(TaskNames.Finalize)]
    public Task<UpdateOutcome> Finalize([ActivityTrigger] FinalizeInput input, FunctionContext context) =>
        Run<FinalizeActivity, FinalizeInput, UpdateOutcome>(context, TaskNames.Finalize, input);

    [Function(RolloutTaskNames.Sweep)]
    public Task<SweepOutcome> Sweep([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SweepOrchestrator().RunAsync(context, context.GetInput<SweepInput>()!);

    [Function(RolloutTaskNames.Rollout)]
    public Task<RolloutRunOutcome> Rollout([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RolloutOrchestrator().RunAsync(context, context.GetInput<RolloutRunInput>()!);

    [Function(RolloutTaskNames.PlanPage)]
    public Task<PlanPageResult> PlanPage([ActivityTrigger] PlanPageInput input, FunctionContext context) =>
        Run<PlanPageActivity, PlanPageInput, PlanPageResult>(context, RolloutTaskNames.PlanPage, input);

    [Function(RolloutTaskNames.ClaimRunners)]
    public Task<IReadOnlyList<RunnerClaim>> ClaimRunners([ActivityTrigger] string sweepId, FunctionContext context) =>
        Run<ClaimRunnersActivity, string, IReadOnlyList<RunnerClaim>>(context, RolloutTaskNames.ClaimRunners, sweepId);

    [Function(RolloutTaskNames.FinishSweep)]
    public Task<bool> FinishSweep([ActivityTrigger] string sweepId, FunctionContext context) =>
        Run<FinishSweepActivity, string, bool>(context, RolloutTaskNames.FinishSweep, sweepId);

    [Function(RolloutTaskNames.TakeWave)]
    public Task<WaveAssignment> TakeWave([ActivityTrigger] RolloutRunInput input, FunctionContext context) =>
        Run<TakeWaveActivity, RolloutRunInput, WaveAssignment>(context, RolloutTaskNames.TakeWave, input);

    [Function(RolloutTaskNames.StartMembers)]
    public Task<StartMembersResult> StartMembers([ActivityTrigger] StartMembersInput input, FunctionContext context) =>
        Run<StartMembersActivity, StartMembersInput, StartMembersResult>(context, RolloutTaskNames.StartMembers, input);

    [Function(RolloutTaskNames.RecordOutcomes)]
    public Task<string> RecordOutcomes([ActivityTrigger] RecordOutcomesInput input, FunctionContext context) =>
        Run<RecordOutcomesActivity, RecordOutcomesInput, string>(context, RolloutTaskNames.RecordOutcomes, input);

    [Function(RolloutTaskNames.FinishRun)]
    public Task<RunFinish> FinishRun([ActivityTrigger] RolloutRunInput input, FunctionContext context) =>
        Run<FinishRunActivity, RolloutRunInput, RunFinish>(context, RolloutTaskNames.FinishRun, input);

    [Function(RolloutTaskNames.Advance)]
    public Task<StartMembersResult> Advance([ActivityTrigger] AdvanceInput input, FunctionContext context) =>
        Run<AdvanceActivity, AdvanceInput, StartMembersResult>(context, RolloutTaskNames.Advance, input);

    [Function(TaskNames.RestoreInstall)]
    public Task<UpdateOutcome> RestoreInstall([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RestoreInstallOrchestrator().RunAsync(context, context.GetInput<UpdateInput>()!);

    [Function(TaskNames.Restore)]
    public Task<bool> Restore([ActivityTrigger] UpdateInput input, FunctionContext context) =>
        Run<RestoreActivity, UpdateInput, bool>(context, TaskNames.Restore, input);

    private static Task<TOutput> Run<TActivity, TInput, TOutput>(FunctionContext context, string name, TInput input)
        where TActivity : TaskActivity<TInput, TOutput> =>
        context.InstanceServices.GetRequiredService<TActivity>().RunAsync(new FunctionActivityContext(name, context.InvocationId), input);

    internal sealed class FunctionActivityContext(string name, string invocationId) : TaskActivityContext
    {
        public override TaskName Name { get; } = new(name);

        public override string InstanceId { get; } = invocationId;
    }
}
