using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>Which rollout to run, and the runner's ID (its instance ID): only the runner the rollout row names may start updates.</summary>
public sealed record RolloutRunInput(string RolloutId, string RunnerId);

/// <summary>How a run of a rollout ended: <c>complete</c>, <c>paused</c> (with the reason) or <c>cancelled</c>.</summary>
public sealed record RolloutRunOutcome(string RolloutId, string Status, string? Reason);

/// <summary>
/// Runs one rollout, one chunk of a wave per execution: takes the wave's queued members (<see cref="TakeWaveActivity"/>),
/// starts their updates as child orchestrations (<see cref="UpdateInstallOrchestrator"/>) as slots allow — overall and
/// per hosting server, shared with every other runner through <see cref="SlotStore"/> — and records the outcomes as they
/// arrive; the turn that records them judges the wave with the circuit breaker (<see cref="RolloutRules.Trip"/>) on the
/// counts of the members' rows, never on counts the runner kept itself (a runner's step may run twice). A trip,
/// or a pause or cancel by an administrator, stops the starts; updates already running finish and are recorded. Then
/// <c>ContinueAsNew</c> for the next chunk or wave, so the history stays short; the rollout row holds the state.
/// </summary>
[DurableTask(RolloutTaskNames.Rollout)]
public sealed partial class RolloutOrchestrator : TaskOrchestrator<RolloutRunInput, RolloutRunOutcome>
{
    /// <summary>How often a runner waiting for slots held by other rollouts asks again.</summary>
    public static readonly TimeSpan SlotPoll = TimeSpan.FromSeconds(5);

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 10, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<RolloutRunOutcome> RunAsync(TaskOrchestrationContext context, RolloutRunInput input)
    {
        var log = context.CreateReplaySafeLogger<RolloutOrchestrator>();
        var assignment = await context.CallActivityAsync<WaveAssignment>(RolloutTaskNames.TakeWave, input, Retry);
        if (assignment.Status == RolloutStatuses.Running && assignment.Wave is { } wave)
        {
            var status = await new WaveRun(context, input, assignment, wave).RunAsync();
            if (status == RolloutStatuses.Running)
            {
                context.ContinueAsNew(input);
                return null!;
            }
        }

        var finish = await context.CallActivityAsync<RunFinish>(RolloutTaskNames.FinishRun, input, Retry);
        if (finish.Continue)
        {
            context.ContinueAsNew(input);
            return null!;
        }

        LogEnded(log, input.RolloutId, finish.Status, finish.Reason);
        return new RolloutRunOutcome(input.RolloutId, finish.Status, finish.Reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} run ended: {Status} ({Reason})")]
    private static partial void LogEnded(ILogger logger, string rolloutId, string status, string? reason);

    /// <summary>
    /// One chunk of a wave: its members started within the limits, their outcomes recorded, the breaker judged. Each turn
    /// is one activity (<see cref="AdvanceActivity"/>): the outcomes that arrived are recorded, then what fits is started.
    /// </summary>
    private sealed class WaveRun(TaskOrchestrationContext context, RolloutRunInput input, WaveAssignment assignment, RolloutWave wave)
    {
        private readonly List<RolloutMember> _queue = [.. assignment.Members];
        private readonly Dictionary<Task<UpdateOutcome>, StartedMember> _running = [];
        private readonly Dictionary<string, string> _serverOf = new(StringComparer.Ordinal);
        private readonly List<FinishedMember> _finished = [];
        private RolloutWave _wave = wave;
        private string _status = RolloutStatuses.Running;
        private bool _waitingForOthers;

        /// <returns>The rollout's status when the chunk ended: <c>running</c> to go on.</returns>
        public async Task<string> RunAsync()
        {
            while (true)
            {
                var offers = _status == RolloutStatuses.Running ? Offers() : [];
                if (_finished.Count > 0 || offers.Count > 0)
                {
                    await AdvanceAsync(offers);
                }

                if (_running.Count == 0)
                {
                    if (_status != RolloutStatuses.Running || _queue.Count == 0)
                    {
                        return _status;
                    }

                    // Every slot is held by other rollouts: ask again later.
                    await context.CreateTimer(SlotPoll, CancellationToken.None);
                    continue;
                }

                await WaitForOutcomesAsync();
            }
        }

        /// <summary>The queued members that may fit: within the overall limit, and not on a server this runner already fills.</summary>
        private List<RolloutMember> Offers()
        {
            var settings = assignment.Settings;
            var runningOn = _running.Values.GroupBy(s => s.Server).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var offers = new List<RolloutMember>();
            foreach (var member in _queue)
            {
                if (_running.Count + offers.Count >= settings.MaxConcurrent)
                {
                    break;
                }

                // The slot table is the judge; this only spares asking for what surely does not fit.
                if (_serverOf.TryGetValue(member.InstallId, out var server) && runningOn.GetValueOrDefault(server) >= settings.MaxPerServer)
                {
                    continue;
                }

                offers.Add(member);
                if (server is not null)
                {
                    runningOn[server] = runningOn.GetValueOrDefault(server) + 1;
                }
            }

            return offers;
        }

        private async Task AdvanceAsync(List<RolloutMember> offers)
        {
            var result = await context.CallActivityAsync<StartMembersResult>(RolloutTaskNames.Advance,
                new AdvanceInput(input.RolloutId, input.RunnerId, _wave, [.. _finished], offers), Retry);
            _finished.Clear();
            _status = result.Status;
            _wave = result.Wave ?? _wave;
            foreach (var started in result.Started)
            {
                _queue.Remove(started.Member);
                var child = context.CallSubOrchestratorAsync<UpdateOutcome>(TaskNames.UpdateInstall, started.Input,
                    new SubOrchestrationOptions { InstanceId = started.TaskId });
                _running[child] = started;
            }

            foreach (var skipped in result.Skipped)
            {
                _queue.Remove(skipped);
            }

            foreach (var waiting in result.Waiting)
            {
                if (waiting.Server is { } server)
                {
                    _serverOf[waiting.Member.InstallId] = server;
                }
            }

            _waitingForOthers = offers.Count > 0 && result.Waiting.Count > 0 && result.Started.Count == 0;
        }

        private async Task WaitForOutcomesAsync()
        {
            if (_waitingForOthers && _status == RolloutStatuses.Running)
            {
                // Slots may be freed by other rollouts too: wake up for them as well as for our own updates.
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(SlotPoll, cancel.Token);
                var first = await Task.WhenAny(_running.Keys.Append<Task>(timer));
                if (first == timer)
                {
                    return;
                }

                cancel.Cancel();
            }
            else
            {
                await Task.WhenAny(_running.Keys);
            }

            foreach (var (task, started) in _running.Where(r => r.Key.IsCompleted).ToList())
            {
                _running.Remove(task);
                var outcome = OutcomeOf(task);
                _finished.Add(new FinishedMember(started, outcome.Status, outcome.Errcode));
            }
        }

        private static UpdateOutcome OutcomeOf(Task<UpdateOutcome> child) =>
            child.IsCompletedSuccessfully && child.Result is { } outcome
                ? outcome
                : new UpdateOutcome(TaskStatuses.Failed, ErrorCodes.InternalError, "The update's orchestration failed before it could record its outcome.");
    }
}
