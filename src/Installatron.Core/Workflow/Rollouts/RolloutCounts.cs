using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow.Rollouts;

/// <summary>
/// Writes the members' tally (<see cref="RolloutMemberStore.RecordAsync"/>) onto the rollout row that the routes and the
/// circuit breaker read. The tally is read after the row and the row written with its ETag, so whichever write lands
/// last carries a tally at least as new as every earlier one: a late or duplicated runner step cannot write older counts
/// over newer ones.
/// </summary>
public sealed class RolloutCounts(RolloutStore rollouts, RolloutMemberStore members)
{
    /// <param name="then">A further change judged on the counted rollout (the breaker's pause); the identity when none.</param>
    public Task<Stored<Rollout>> WriteAsync(string rolloutId, Func<Rollout, Rollout> then, CancellationToken cancellationToken) =>
        rollouts.ChangeAsync(rolloutId, async r => then((await members.TallyAsync(rolloutId, cancellationToken)).ApplyTo(r)), cancellationToken);
}
