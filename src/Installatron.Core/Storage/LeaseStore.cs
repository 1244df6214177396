using Azure;
using Azure.Data.Tables;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// The update lease of an install: a row that exactly one task can hold. Taken with an insert (409 if held),
/// reclaimed after expiry only with the expired row's ETag (412 if someone else reclaimed it first), renewed by its
/// holder while the update runs (<see cref="RenewAsync"/>: at every step and every <see cref="RenewInterval"/> within
/// one), released by its holder only. Instance-ID reuse is not relied on for mutual exclusion.
/// </summary>
public sealed class LeaseStore(InstallatronTables tables, TimeProvider time)
{
    private const string RowKey = "lease";

    /// <summary>How long a lease lasts from its last renewal: an update whose machine died frees its install after this.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(30);

    /// <summary>How often a running step renews its lease (a sixth of the duration: five renewals may fail before it lapses).</summary>
    public static readonly TimeSpan RenewInterval = DefaultDuration / 6;

    public async Task AcquireAsync(string installId, string taskId, TimeSpan duration, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var expires = time.GetUtcNow() + duration;
        var entity = new TableEntity(installId, RowKey) { ["TaskId"] = taskId, ["ExpiresAt"] = expires };
        try
        {
            await tables.Leases.AddEntityAsync(entity, cancellationToken);
            return;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Held: by this task (a retry), by a live task (refuse), or expired (reclaim below).
        }

        var current = await tables.Leases.GetEntityIfExistsAsync<TableEntity>(installId, RowKey, cancellationToken: cancellationToken);
        if (!current.HasValue)
        {
            await AcquireAsync(installId, taskId, duration, cancellationToken);
            return;
        }

        var holder = current.Value!.GetString("TaskId");
        if (holder == taskId)
        {
            return;
        }

        if (current.Value.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt > time.GetUtcNow())
        {
            throw InProgress(installId, holder);
        }

        try
        {
            await tables.Leases.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw InProgress(installId, holder);
        }
    }

    /// <summary>
    /// Extends the lease of <paramref name="taskId"/> by <paramref name="duration"/> from now, if the task still holds
    /// it — expired or not, as long as no other task took it since (one read, and a write only when the last renewal is
    /// more than half a <see cref="RenewInterval"/> old). <c>false</c> when the row is gone (released: the
    /// update was finalized) or another task holds it (this one was given up, e.g. after a long outage, and a newer
    /// update took the install): the caller must not touch the site any more.
    /// </summary>
    public async Task<bool> RenewAsync(string installId, string taskId, TimeSpan duration, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await tables.Leases.GetEntityIfExistsAsync<TableEntity>(installId, RowKey, cancellationToken: cancellationToken);
            if (!current.HasValue || current.Value!.GetString("TaskId") != taskId)
            {
                return false;
            }

            // Renewed moments ago (the step before): still ours, and nothing to write.
            if (current.Value.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt - time.GetUtcNow() > duration - RenewInterval / 2)
            {
                return true;
            }

            var renewed = new TableEntity(installId, RowKey) { ["TaskId"] = taskId, ["ExpiresAt"] = time.GetUtcNow() + duration };
            try
            {
                await tables.Leases.UpdateEntityAsync(renewed, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Changed in between: look again who holds it.
            }
        }

        return false;
    }

    /// <summary>When the install's lease held by <paramref name="taskId"/> expires; <c>null</c> when that task does not hold it.</summary>
    public async Task<DateTimeOffset?> ExpiryAsync(string installId, string taskId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var current = await tables.Leases.GetEntityIfExistsAsync<TableEntity>(installId, RowKey, cancellationToken: cancellationToken);
        return current.HasValue && current.Value!.GetString("TaskId") == taskId ? current.Value.GetDateTimeOffset("ExpiresAt") : null;
    }

    /// <summary>The task holding the install's lease, if it has not expired.</summary>
    public async Task<string?> HolderAsync(string installId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var current = await tables.Leases.GetEntityIfExistsAsync<TableEntity>(installId, RowKey, cancellationToken: cancellationToken);
        return current.HasValue && current.Value!.GetDateTimeOffset("ExpiresAt") > time.GetUtcNow() ? current.Value.GetString("TaskId") : null;
    }

    /// <summary>Releases the lease if <paramref name="taskId"/> still holds it; safe to call twice.</summary>
    public async Task ReleaseAsync(string installId, string taskId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var current = await tables.Leases.GetEntityIfExistsAsync<TableEntity>(installId, RowKey, cancellationToken: cancellationToken);
        if (!current.HasValue || current.Value!.GetString("TaskId") != taskId)
        {
            return;
        }

        try
        {
            await tables.Leases.DeleteEntityAsync(installId, RowKey, current.Value.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // Reclaimed or released meanwhile: not ours any more.
        }
    }

    private static Refusal InProgress(string installId, string? holder) =>
        new(ErrorCodes.UpdateInProgress, null,
            $"Another update of install {installId} is running (task {holder}); wait for it (GET /tasks/{holder}) and try again.");
}
