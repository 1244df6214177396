using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>What an update and a restore claim before their task row exists.</summary>
internal static class TaskClaim
{
    /// <summary>
    /// Claims <paramref name="idempotencyKey"/> (when given) for <paramref name="taskId"/>, then the install's lease. Returns
    /// the task an earlier request with the same key started (nothing else claimed), or <c>null</c>. A refused lease
    /// (<c>update_in_progress</c>) gives the key back.
    /// </summary>
    public static async Task<string?> ClaimAsync(
        TaskStore tasks, LeaseStore leases, string installId, string? idempotencyKey, string taskId, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && await tasks.ClaimIdempotencyKeyAsync(installId, idempotencyKey, taskId, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        try
        {
            await leases.AcquireAsync(installId, taskId, LeaseStore.DefaultDuration, cancellationToken);
        }
        catch (Refusal)
        {
            await tasks.ReleaseIdempotencyKeyAsync(installId, idempotencyKey, cancellationToken);
            throw;
        }

        return null;
    }
}
