using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Core.Workflow.Rollouts;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// The fleet's automatic updates, for the administrator holding the API key: rollouts with their progress per wave
/// (<c>GET /rollouts</c>, <c>GET /rollouts/{id}</c>), pause, resume and cancel, and a sweep started now
/// (<c>POST /rollouts/sweep</c>) instead of at the next timer.
/// </summary>
public sealed class RolloutsApi(ApiGuard guard, RolloutStore rollouts, RolloutControl control, AutoUpdater updater)
{
    public Task<ApiResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["status"]);
            var status = fields.String("status") is { } wanted
                ? fields.Enum("status", [RolloutStatuses.Running, RolloutStatuses.Paused, RolloutStatuses.Cancelled, RolloutStatuses.Complete], wanted)
                : null;
            var list = (await rollouts.ListAsync(status, cancellationToken)).Select(RolloutView.From).ToList();
            return ApiResult.Success(list, $"{list.Count} rollout(s).\n");
        });

    public Task<ApiResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            RequestFields.FromQuery(request).RejectUnknown([]);
            var rollout = await control.GetAsync(id, cancellationToken);
            return ApiResult.Success(RolloutView.From(rollout), $"Rollout {rollout.Id} is {rollout.Status}.\n");
        });

    public Task<ApiResult> PauseAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var reason = await ReasonAsync(request, cancellationToken);
            var rollout = await control.PauseAsync(id, reason, cancellationToken);
            return ApiResult.Success(RolloutView.From(rollout), $"Rollout {rollout.Id} is paused: no update starts; those running finish.\n");
        });

    public Task<ApiResult> CancelAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var reason = await ReasonAsync(request, cancellationToken);
            var rollout = await control.CancelAsync(id, reason, cancellationToken);
            return ApiResult.Success(RolloutView.From(rollout), $"Rollout {rollout.Id} is cancelled: no update starts; those running finish.\n");
        });

    public Task<ApiResult> ResumeAsync(HttpRequest request, string id, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            (await RequestFields.ReadAsync(request, cancellationToken)).RejectUnknown([]);
            var rollout = await control.ResumeAsync(id, client, cancellationToken);
            return ApiResult.Success(RolloutView.From(rollout), $"Rollout {rollout.Id} is running.\n");
        });

    public Task<ApiResult> SweepAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            (await RequestFields.ReadAsync(request, cancellationToken)).RejectUnknown([]);
            var sweep = await updater.RunOnceAsync(client, cancellationToken);
            return sweep.Started
                ? ApiResult.Success(sweep, $"Sweep {sweep.SweepId} started; GET /rollouts follows its rollouts.\n", 202)
                : ApiResult.Failure(ErrorCodes.SweepInProgress, null, $"Sweep {sweep.SweepId} is still running; one sweep runs at a time.", sweep);
        });

    private static async Task<string?> ReasonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = await RequestFields.ReadAsync(request, cancellationToken);
        fields.RejectUnknown(["reason"]);
        var reason = fields.String("reason");
        return reason is { Length: > 1000 } ? throw RequestFields.Invalid("reason", "must be at most 1000 characters") : reason;
    }
}

/// <summary>A rollout as the API shows it: the row, with its totals over the waves.</summary>
public sealed record RolloutView(
    string Id, string Application, string Version, string Status, string? Reason, string? PausedBy,
    int Members, int Pending, int Started, int Complete, int Reverted, int Failed, int Skipped, int HealthReverts,
    IReadOnlyList<RolloutWave> Waves, long TimeCreated, long TimeUpdated)
{
    public static RolloutView From(Rollout r) => new(
        r.Id, r.Application, r.Version, r.Status, r.Reason, r.PausedBy, r.Members, r.Pending,
        r.Waves.Sum(w => w.Started), r.Waves.Sum(w => w.Complete), r.Waves.Sum(w => w.Reverted), r.Waves.Sum(w => w.Failed),
        r.Waves.Sum(w => w.Skipped), r.HealthReverts, r.Waves, r.TimeCreated, r.TimeUpdated);
}
