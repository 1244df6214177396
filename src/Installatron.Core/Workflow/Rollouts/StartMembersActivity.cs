using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow.Rollouts;

/// <param name="Wave">The runner's wave (its number: the counts come from the members' rows).</param>
public sealed record StartMembersInput(string RolloutId, string RunnerId, RolloutWave Wave, IReadOnlyList<RolloutMember> Members);

/// <summary>A member whose update is prepared: the runner schedules <see cref="Input"/> as a child orchestration with the task's ID.</summary>
public sealed record StartedMember(RolloutMember Member, string TaskId, string Server, UpdateInput Input);

/// <summary>A member that waits for a slot (its server, once known).</summary>
public sealed record WaitingMember(RolloutMember Member, string? Server);

/// <summary>What became of the members offered; <see cref="Status"/> is the rollout's (not <c>running</c>: nothing was started).</summary>
public sealed record StartMembersResult(
    string Status, RolloutWave? Wave, IReadOnlyList<StartedMember> Started, IReadOnlyList<RolloutMember> Skipped, IReadOnlyList<WaitingMember> Waiting);

/// <summary>
/// Starts what fits of the members offered, through the same rules as any update (<see cref="UpdateValidator"/>, then
/// <see cref="UpdateStarter.PrepareAsync"/>: idempotency key, lease, preflight, task row), once each has its slots
/// (<see cref="SlotStore"/>). A member no longer due (updated meanwhile, its owner suspended, an update already
/// running, requirements unmet) is skipped with the reason. Idempotent: slots are claimed by holder name, and a second
/// run finds the task its first run prepared (same idempotency key, never scheduled) and returns it again.
/// </summary>
[DurableTask(RolloutTaskNames.StartMembers)]
public sealed partial class StartMembersActivity(
    RolloutStore rollouts, RolloutMemberStore members, RolloutCounts counts, SlotStore slots, UpdateValidator validator, UpdateStarter starter, TaskStore tasks,
    IOptions<InstallatronOptions> options, ILogger<StartMembersActivity> logger)
    : TaskActivity<StartMembersInput, StartMembersResult>
{
    private const int Parallelism = 8;

    public override async Task<StartMembersResult> RunAsync(TaskActivityContext context, StartMembersInput input)
    {
        var ct = CancellationToken.None;
        var rollout = (await rollouts.GetAsync(input.RolloutId, ct))?.Value
            ?? throw new InvalidOperationException($"The rollout {input.RolloutId} does not exist.");
        if (rollout.Status != RolloutStatuses.Running || rollout.Runner != input.RunnerId)
        {
            return new StartMembersResult(rollout.Runner == input.RunnerId ? rollout.Status : RolloutStatuses.Paused, null, [], [], []);
        }

        var checks = await ForEachAsync(input.Members, member => CheckAsync(rollout, member, ct));
        var due = checks.Where(c => c.Update is not null).ToList();
        var settings = options.Value.RolloutSettings;
        var granted = await slots.ClaimAsync(due.Select(c => Claim(rollout, c)).ToList(), settings.MaxConcurrent, settings.MaxPerServer, ct);
        var prepared = await ForEachAsync(due.Where(c => granted.Contains(c.Member.SlotHolder(rollout.Id))).ToList(), check => PrepareAsync(rollout, check, ct));
        await slots.ReleaseAsync(prepared.Where(p => p.Started is null).Select(p => Claim(rollout, p.Check)).ToList(), ct);

        var started = prepared.Where(p => p.Started is not null).Select(p => p.Started!).ToList();
        var skipped = checks.Where(c => c.Update is null).Concat(prepared.Where(p => p.Started is null).Select(p => p.Check)).ToList();
        await members.RecordAsync(rollout.Id,
        [
            .. started.Select(s => new MemberChange(s.Member.InstallId, MemberStates.Started, s.TaskId, s.Server)),
            .. skipped.Select(s => new MemberChange(s.Member.InstallId, MemberStates.Skipped, null, s.Server, s.Errcode, s.Reason)),
        ], ct);

        var stored = await counts.WriteAsync(rollout.Id, r => r, ct);
        foreach (var skip in skipped)
        {
            LogSkipped(logger, rollout.Id, skip.Member.InstallId, skip.Errcode ?? "", skip.Reason ?? "");
        }

        var waiting = due.Where(c => !granted.Contains(c.Member.SlotHolder(rollout.Id))).Select(c => new WaitingMember(c.Member, c.Server)).ToList();
        var wave = RecordOutcomesActivity.WaveOf(stored.Value, input.Wave.Wave) ?? input.Wave;
        return new StartMembersResult(stored.Value.Status, wave, started, skipped.Select(s => s.Member).ToList(), waiting);
    }

    /// <summary>Whether the member is still due for the rollout's target, with the validated update when it is.</summary>
    private async Task<MemberCheck> CheckAsync(Rollout rollout, RolloutMember member, CancellationToken ct)
    {
        try
        {
            var validated = await validator.ValidateAsync(member.InstallId,
                new UpdateRequest { Version = rollout.Version, Background = true }, ct);
            var install = validated.Context.Install.Value;
            if (AutoUpdater.AutomaticTarget(UpdatePolicy.WithAvailability(install, validated.Versions)) != rollout.Version)
            {
                return new MemberCheck(member, null, null, "not_due", $"Install {install.Id} is no longer due for {rollout.Version} (autoup '{install.Autoup}', version {install.Version}).");
            }

            // Installatron's automatic updates take a backup and revert when the install's autoup_backup asks for it.
            validated = validated with { Request = validated.Request with { Revert = install.AutoupBackup == "all" } };
            return new MemberCheck(member, validated, HostingServers.KeyOf(validated.Context.Owner), null, null);
        }
        catch (Refusal refusal)
        {
            return new MemberCheck(member, null, null, refusal.Errcode, refusal.Message);
        }
    }

    private async Task<PrepareOutcome> PrepareAsync(Rollout rollout, MemberCheck check, CancellationToken ct)
    {
        var install = check.Update!.Context.Install.Value;
        // One key per install, target and attempt (every failed attempt adds a failure): never the same attempt twice.
        var key = $"autoupdate:{rollout.Version}:{install.Failures.Count}";
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var prepared = await starter.PrepareAsync(check.Update, key, ct, automatic: true, rollout: rollout.Id);
                if (!prepared.Repeated)
                {
                    return Started(check, prepared.TaskId, prepared.Input);
                }

                if (await EarlierAsync(rollout, check, key, prepared, ct) is { } earlier)
                {
                    return earlier;
                }

                if (attempt == 1)
                {
                    return Skipped(check, ErrorCodes.UpdateInProgress, $"Another start of this attempt did not finish ({prepared.TaskId}).");
                }
            }
        }
        catch (Refusal refusal)
        {
            return Skipped(check, refusal.Errcode, refusal.Message);
        }
    }

    /// <summary>
    /// The key's task, started earlier: by a copy of this activity (delivered twice, maybe running at the same time),
    /// which prepared it and never scheduled it — then it is this member's update — or by anyone else (skipped).
    /// <c>null</c> when the other start gave the key up (its preflight refused): try again.
    /// </summary>
    private async Task<PrepareOutcome?> EarlierAsync(Rollout rollout, MemberCheck check, string key, PreparedUpdate prepared, CancellationToken ct)
    {
        for (var wait = 0; wait < 240; wait++)
        {
            var task = (await tasks.GetAsync(prepared.TaskId, ct))?.Value;
            if (task is not null)
            {
                return task is { TimeStarted: 0, IsFinished: false, Status: TaskStatuses.Queued } && task.Rollout == rollout.Id
                    ? Started(check, task.Id, new UpdateInput(task.Id, task.InstallId, task.Backup, task.RevertOnFailure) { Shape = UpdateInput.CurrentShape })
                    : Skipped(check, ErrorCodes.UpdateInProgress, $"This attempt already ran as task {prepared.TaskId}.");
            }

            // The other copy is between claiming the key and writing the task (preflight): wait for it.
            if (await starter.FindRepeatAsync(check.Member.InstallId, key, ct) != prepared.TaskId)
            {
                return null;
            }

            await Task.Delay(250, ct);
        }

        return Skipped(check, ErrorCodes.UpdateInProgress, $"Task {prepared.TaskId} of this attempt never appeared.");
    }

    private static PrepareOutcome Started(MemberCheck check, string taskId, UpdateInput input) =>
        new(check, new StartedMember(check.Member, taskId, check.Server!, input));

    private static PrepareOutcome Skipped(MemberCheck check, string errcode, string reason) =>
        new(check with { Errcode = errcode, Reason = reason }, null);

    private static SlotClaim Claim(Rollout rollout, MemberCheck check) => new(check.Member.SlotHolder(rollout.Id), check.Server!);

    private static async Task<IReadOnlyList<TResult>> ForEachAsync<T, TResult>(IReadOnlyList<T> items, Func<T, Task<TResult>> work)
    {
        var results = new TResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (i, _) => results[i] = await work(items[i]));
        return results;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: install {InstallId} skipped ({Errcode}): {Reason}")]
    private static partial void LogSkipped(ILogger logger, string rolloutId, string installId, string errcode, string reason);

    private sealed record MemberCheck(RolloutMember Member, ValidatedUpdate? Update, string? Server, string? Errcode, string? Reason);

    private sealed record PrepareOutcome(MemberCheck Check, StartedMember? Started);
}
