using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Workflow;

/// <summary>An update that was started now, or the earlier one the same <c>Idempotency-Key</c> already started.</summary>
public sealed record StartedUpdate(string TaskId, bool Repeated);

/// <summary>An update ready to run (<see cref="Input"/> for its orchestration), or the task its idempotency key already belongs to.</summary>
public sealed record PreparedUpdate(string TaskId, UpdateInput Input, bool Repeated);

/// <summary>What <c>dryrun=all</c> found: every check passed, every connection it proved; the installed core against its release when known.</summary>
public sealed record DryRunReport(Install Install, CoreIntegrityReport? CoreIntegrity, IReadOnlyList<ConnectionCheck> Connections);

/// <summary>
/// Turns a validated update request into a running update: the idempotency key, the install's lease, preflight
/// (its measurement kept on the task for the update's own preflight), the task row, the orchestration. Answers with
/// plain results; how they are shown to a caller (a wait, a 202, an envelope) is the API's business.
/// </summary>
public sealed class UpdateStarter(
    TaskStore tasks, LeaseStore leases, UpdatePreflight preflight, CoreIntegrityCheck integrity, SiteAccess sites, TimeProvider time)
{
    /// <summary>Every check and every connection of <c>dryrun=all</c>; changes nothing.</summary>
    public async Task<DryRunReport> DryRunAsync(ValidatedUpdate update, CancellationToken cancellationToken)
    {
        var install = update.Context.Install.Value;
        await using var site = await sites.OpenForRequestAsync(update.Context.Owner, cancellationToken, fresh: true);
        try
        {
            var report = await preflight.RunAsync(site, install, update.Target, BackupAsked(update), testConnections: true, cancellationToken);
            return new DryRunReport(install, await integrity.CheckInstalledAsync(site.Files, install, report.Site, cancellationToken), report.Connections ?? []);
        }
        catch (Exception e) when (SiteFailures.AsRefusal(e) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>Starts the update now (its orchestration scheduled), or answers with the task the same key already started.</summary>
    public async Task<StartedUpdate> StartAsync(
        ValidatedUpdate update, string? idempotencyKey, DurableTaskClient client, CancellationToken cancellationToken, bool automatic = false)
    {
        var prepared = await PrepareAsync(update, idempotencyKey, cancellationToken, automatic);
        if (prepared.Repeated)
        {
            return new StartedUpdate(prepared.TaskId, Repeated: true);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.UpdateInstall, prepared.Input,
                new StartOrchestrationOptions { InstanceId = prepared.TaskId }, cancellationToken);
        }
        catch
        {
            await AbandonAsync(prepared.Input.InstallId, prepared.TaskId, idempotencyKey);
            throw;
        }

        return new StartedUpdate(prepared.TaskId, Repeated: false);
    }

    /// <summary>
    /// Everything of a start but the orchestration: the idempotency key, the install's lease, preflight and the task
    /// row. The caller schedules <see cref="PreparedUpdate.Input"/> (a rollout as a sub-orchestration), or, when it cannot,
    /// gives the update up with <see cref="AbandonAsync"/>.
    /// </summary>
    public async Task<PreparedUpdate> PrepareAsync(
        ValidatedUpdate update, string? idempotencyKey, CancellationToken cancellationToken, bool automatic = false, string? rollout = null)
    {
        var install = update.Context.Install.Value;
        var request = update.Request;
        var backup = BackupAsked(update);
        var taskId = Ids.NewInstallId();
        var input = new UpdateInput(taskId, install.Id, backup, RevertOnFailure: backup) { Shape = UpdateInput.CurrentShape };
        if (await TaskClaim.ClaimAsync(tasks, leases, install.Id, idempotencyKey, taskId, cancellationToken) is { } earlier)
        {
            return new PreparedUpdate(earlier, input with { TaskId = earlier }, Repeated: true);
        }

        try
        {
            var report = await PreflightAsync(update, backup, cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            await tasks.AddAsync(new UpdateTask
            {
                Id = taskId,
                InstallId = install.Id,
                User = install.User,
                Application = install.Application,
                VersionFrom = install.Version,
                VersionTo = update.Target?.Version ?? UpdatePolicy.CurrentVersion,
                Revert = request.Revert,
                Backup = backup,
                RevertOnFailure = backup,
                Background = request.Background,
                Automatic = automatic,
                Rollout = rollout,
                Plugins = request.Plugins is null ? null : update.Plugins.Select(p => p.Id).ToList(),
                Themes = request.Themes is null ? null : update.Themes.Select(t => t.Id).ToList(),
                Measured = new SiteMeasurement(report.SiteFiles, report.SiteBytes),
                IdempotencyKey = idempotencyKey,
                Message = "Queued.",
                TimeCreated = now,
                TimeUpdated = now,
            }, cancellationToken);
        }
        catch
        {
            await AbandonAsync(install.Id, taskId, idempotencyKey);
            throw;
        }

        return new PreparedUpdate(taskId, input, Repeated: false);
    }

    /// <summary>Gives up a prepared update that will not run: its lease and its idempotency key are released.</summary>
    public async Task AbandonAsync(string installId, string taskId, string? idempotencyKey)
    {
        await leases.ReleaseAsync(installId, taskId, CancellationToken.None);
        await tasks.ReleaseIdempotencyKeyAsync(installId, idempotencyKey, CancellationToken.None);
    }

    /// <summary>The preflight of a request, on a connection of its own; the site's server's failures are its refusals.</summary>
    private async Task<PreflightReport> PreflightAsync(ValidatedUpdate update, bool backup, CancellationToken cancellationToken)
    {
        await using var site = await sites.OpenForRequestAsync(update.Context.Owner, cancellationToken);
        try
        {
            return await preflight.RunAsync(site, update.Context.Install.Value, update.Target, backup, testConnections: false, cancellationToken);
        }
        catch (Exception e) when (SiteFailures.AsRefusal(e) is { } refusal)
        {
            throw refusal;
        }
    }

    public Task<string?> FindRepeatAsync(string installId, string idempotencyKey, CancellationToken cancellationToken) =>
        tasks.FindByIdempotencyKeyAsync(installId, idempotencyKey, cancellationToken);

    /// <summary><c>revert=true</c>, or the install's <c>autoup_backup=all</c>, asks for a backup and for restoring it if the update fails.</summary>
    private static bool BackupAsked(ValidatedUpdate update) => update.Request.Revert || update.Context.Install.Value.AutoupBackup == "all";
}
