using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow.Rollouts;

public sealed record PlanPageInput(string SweepId, string? ContinuationToken);

/// <summary>One page read: installs read, update attempts planned, installs held back by a paused or cancelled rollout, and the next page's token.</summary>
public sealed record PlanPageResult(string? Next, int Scanned, int Planned, int Held);

/// <summary>
/// Plans one page of installs (<see cref="InstallatronOptions.SweepPageSize"/>): each install whose <c>autoup</c> makes it due (<see
/// cref="AutoUpdater.AutomaticTarget"/>) joins the rollout of its target, created when new; a paused or cancelled
/// rollout takes no one. Reads the page and the catalog (cached) and writes the members in batches: a few table
/// operations per hundred installs. Idempotent: a member already planned is not planned twice.
/// </summary>
[DurableTask(RolloutTaskNames.PlanPage)]
public sealed class PlanPageActivity(
    InstallStore installs, CatalogStore catalog, RolloutStore rollouts, RolloutMemberStore members, IOptions<InstallatronOptions> options)
    : TaskActivity<PlanPageInput, PlanPageResult>
{
    public override async Task<PlanPageResult> RunAsync(TaskActivityContext context, PlanPageInput input)
    {
        var ct = CancellationToken.None;
        var (page, next) = await installs.PageAsync(input.ContinuationToken, options.Value.SweepPageSize, ct);
        var versions = new Dictionary<string, IReadOnlyList<CatalogVersion>>(StringComparer.Ordinal);
        var targets = new Dictionary<(string Application, string Version), List<RolloutMember>>();
        foreach (var install in page)
        {
            if (!versions.TryGetValue(install.Application, out var catalogVersions))
            {
                versions[install.Application] = catalogVersions = await catalog.ListVersionsAsync(install.Application, ct);
            }

            if (AutoUpdater.AutomaticTarget(UpdatePolicy.WithAvailability(install, catalogVersions)) is { } target)
            {
                var key = (install.Application, target);
                if (!targets.TryGetValue(key, out var list))
                {
                    targets[key] = list = [];
                }

                list.Add(new RolloutMember(install.Id, install.Failures.Count));
            }
        }

        int planned = 0, held = 0;
        foreach (var ((application, version), due) in targets)
        {
            var rollout = await rollouts.GetOrCreateAsync(application, version, ct);
            if (rollout.Value.Status is RolloutStatuses.Paused or RolloutStatuses.Cancelled)
            {
                held += due.Count;
                continue;
            }

            var added = await members.PlanAsync(rollout.Value.Id, due, ct);
            planned += added;
            if (added > 0)
            {
                // After the members: a runner finishing now sees the row change and looks again (FinishRunActivity).
                await rollouts.ChangeAsync(rollout.Value.Id, r => r with
                {
                    Members = r.Members + added,
                    Status = r.Status == RolloutStatuses.Complete ? RolloutStatuses.Running : r.Status,
                }, ct);
            }
        }

        return new PlanPageResult(next, page.Count, planned, held);
    }
}
