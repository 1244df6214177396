using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Core.Workflow.Rollouts;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>
/// A rollout's counts when its runner's turns (<see cref="AdvanceActivity"/>) are delivered more than once, as on two
/// servers sharing a task hub: a copy of a turn late, two copies of one turn that saw different outcomes, copies at the
/// same moment. The counts must stay those of the members' rows. On Azurite, the activity as the runner calls it.
/// </summary>
public sealed class RolloutCountsTests
{
    private const string Runner = "rollout-test-runner";

    [Fact]
    public async Task Advance_CopiesOfOneTurnLateAndDuplicated_CountsEqualTheMembersRows()
    {
        await using var services = await ServicesAsync();
        var (rollout, started) = await WaveStartedAsync(services, 5);
        var advance = services.GetRequiredService<AdvanceActivity>();

        // Two copies of one turn: this server saw m0 and m1 end, the other (a copy run from an older history) only m0;
        // the other's copy lands last. Then this one is delivered again.
        await AdvanceAsync(advance, rollout, Finished(started[0], started[1]));
        await AdvanceAsync(advance, rollout, Finished(started[0]));
        Assert.Equal(new RolloutWave(1, 5, Started: 5, Complete: 2), await WaveAsync(services, rollout));
        await AssertCountsAreTheRowsAsync(services, rollout);
        await AdvanceAsync(advance, rollout, Finished(started[0], started[1]));
        Assert.Equal(new RolloutWave(1, 5, Started: 5, Complete: 2), await WaveAsync(services, rollout));

        // A later turn, then a late copy of the earlier one: nothing is counted twice or lost.
        await AdvanceAsync(advance, rollout, Finished(started[2]));
        await AdvanceAsync(advance, rollout, Finished(started[0], started[1]));
        Assert.Equal(new RolloutWave(1, 5, Started: 5, Complete: 3), await WaveAsync(services, rollout));
        await AssertCountsAreTheRowsAsync(services, rollout);
    }

    [Fact]
    public async Task Advance_ManyCopiesAtOnce_EveryOutcomeCountedOnceAndTheBreakerJudgesTheCounts()
    {
        await using var services = await ServicesAsync();
        var (rollout, started) = await WaveStartedAsync(services, 30);
        var advance = services.GetRequiredService<AdvanceActivity>();

        // 28 complete, one reverted by its health check, one failed, delivered by 12 overlapping copies at once.
        var finished = started.Select((s, i) => new FinishedMember(s,
            i switch { 28 => TaskStatuses.Reverted, 29 => TaskStatuses.Failed, _ => TaskStatuses.Complete },
            i switch { 28 => ErrorCodes.FailedHealthCheck, 29 => ErrorCodes.InternalError, _ => null })).ToList();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(copy => Task.Run(() =>
            AdvanceAsync(advance, rollout, finished.Where((_, i) => i % 4 == copy % 4 || i % 6 == copy % 6).ToArray()))));

        Assert.Equal(new RolloutWave(1, 30, Started: 30, Complete: 28, Reverted: 1, Failed: 1), await WaveAsync(services, rollout));
        var stored = (await services.GetRequiredService<RolloutStore>().GetAsync(rollout, CancellationToken.None))!.Value;
        Assert.Equal(1, stored.HealthReverts);
        Assert.Equal(RolloutStatuses.Running, stored.Status); // 2 failures of 30 is under the 20 % allowed.
        await AssertCountsAreTheRowsAsync(services, rollout);

        // A late copy of the start marks nothing back: an outcome is final.
        await services.GetRequiredService<RolloutMemberStore>().RecordAsync(rollout,
            [new MemberChange(started[0].Member.InstallId, MemberStates.Started, started[0].TaskId, "local")], CancellationToken.None);
        Assert.Equal(TaskStatuses.Complete, (await services.GetRequiredService<RolloutMemberStore>().ListAsync(rollout, CancellationToken.None))[started[0].Member.InstallId].State);
        await AssertCountsAreTheRowsAsync(services, rollout);
    }

    [Fact]
    public async Task Advance_FailuresOverTheLimit_BreakerPausesOnTheRowsCountsEvenWhenTheRunnerCountedFewer()
    {
        await using var services = await ServicesAsync();
        var (rollout, started) = await WaveStartedAsync(services, 5);
        var advance = services.GetRequiredService<AdvanceActivity>();

        // Two copies of one turn, each with one different failure: one failure of 5 is allowed, two (40 %) are not.
        await AdvanceAsync(advance, rollout, new FinishedMember(started[0], TaskStatuses.Failed, ErrorCodes.InternalError));
        var result = await AdvanceAsync(advance, rollout, new FinishedMember(started[1], TaskStatuses.Failed, ErrorCodes.InternalError));

        Assert.Equal(RolloutStatuses.Paused, result.Status);
        Assert.Equal(2, result.Wave!.Failed);
        var stored = (await services.GetRequiredService<RolloutStore>().GetAsync(rollout, CancellationToken.None))!.Value;
        Assert.Equal((RolloutStatuses.Paused, RolloutPausers.CircuitBreaker), (stored.Status, stored.PausedBy));
        Assert.Contains("2 of 5 updates failed", stored.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Advance_OrchestrationFailedButTaskComplete_CountedAsTheTaskEnded()
    {
        await using var services = await ServicesAsync();
        var (rollout, started) = await WaveStartedAsync(services, 5);
        var tasks = services.GetRequiredService<TaskStore>();
        foreach (var (member, status) in new[] { (started[0], TaskStatuses.Complete), (started[1], TaskStatuses.Running) })
        {
            await tasks.AddAsync(new UpdateTask
            {
                Id = member.TaskId, InstallId = member.Member.InstallId, User = "useraccountname", Application = "wordpress",
                VersionFrom = "6.7.2", VersionTo = "6.7.3", Status = status,
            }, CancellationToken.None);
        }

        // The runner only learned that both children failed (their results lost); the first one's task completed.
        var lost = new[] { started[0], started[1] }.Select(s => new FinishedMember(s, TaskStatuses.Failed, ErrorCodes.InternalError)).ToArray();
        await AdvanceAsync(services.GetRequiredService<AdvanceActivity>(), rollout, lost);

        Assert.Equal(new RolloutWave(1, 5, Started: 5, Complete: 1, Failed: 1), await WaveAsync(services, rollout));
        await AssertCountsAreTheRowsAsync(services, rollout);
    }

    private static Task<StartMembersResult> AdvanceAsync(AdvanceActivity advance, string rollout, params FinishedMember[] finished) =>
        advance.RunAsync(null!, new AdvanceInput(rollout, Runner, new RolloutWave(1, finished.Length), finished, []));

    private static FinishedMember[] Finished(params StartedMember[] started) =>
        started.Select(s => new FinishedMember(s, TaskStatuses.Complete, null)).ToArray();

    /// <summary>A rollout run by <see cref="Runner"/> whose first wave has <paramref name="size"/> members, all started.</summary>
    private static async Task<(string Rollout, List<StartedMember> Started)> WaveStartedAsync(ServiceProvider services, int size)
    {
        var rollouts = services.GetRequiredService<RolloutStore>();
        var members = services.GetRequiredService<RolloutMemberStore>();
        var rollout = (await rollouts.GetOrCreateAsync("wordpress", "6.7.3", CancellationToken.None)).Value.Id;
        var planned = Enumerable.Range(0, size).Select(_ => new RolloutMember(Ids.NewInstallId(), 0)).ToList();
        await members.PlanAsync(rollout, planned, CancellationToken.None);
        await rollouts.ChangeAsync(rollout, r => r with { Members = size, Runner = Runner, Waves = [new RolloutWave(1, size)] }, CancellationToken.None);
        Assert.Equal(size, (await members.TakeAsync(rollout, 1, size, CancellationToken.None)).Count);

        var started = planned.Select(m => (Member: m, TaskId: Ids.NewInstallId()))
            .Select(s => new StartedMember(s.Member, s.TaskId, "local", new UpdateInput(s.TaskId, s.Member.InstallId, Backup: false, RevertOnFailure: false))).ToList();
        await members.RecordAsync(rollout, started.Select(s => new MemberChange(s.Member.InstallId, MemberStates.Started, s.TaskId, s.Server)).ToList(),
            CancellationToken.None);
        return (rollout, started);
    }

    private static async Task<RolloutWave> WaveAsync(ServiceProvider services, string rollout) =>
        (await services.GetRequiredService<RolloutStore>().GetAsync(rollout, CancellationToken.None))!.Value.Waves.Single();

    private static async Task AssertCountsAreTheRowsAsync(ServiceProvider services, string rollout)
    {
        var rows = await services.GetRequiredService<RolloutMemberStore>().ListAsync(rollout, CancellationToken.None);
        int Count(string state) => rows.Values.Count(m => m.State == state);
        var wave = await WaveAsync(services, rollout);
        Assert.Equal(
            (Count(TaskStatuses.Complete), Count(TaskStatuses.Reverted), Count(TaskStatuses.Failed), Count(MemberStates.Skipped)),
            (wave.Complete, wave.Reverted, wave.Failed, wave.Skipped));
        Assert.Equal(rows.Count - Count(MemberStates.Skipped) - Count(MemberStates.Queued) - Count(MemberStates.Pending), wave.Started);
    }

    private static async Task<ServiceProvider> ServicesAsync() => CoreServices.For((await SharedAzurite.GetAsync()).ConnectionString, TestIds.NewPrefix());
}
