using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Storage;

/// <summary>The tables and the blob container of one deployment, named from <see cref="InstallatronOptions.TablePrefix"/>.</summary>
public sealed class InstallatronTables
{
    private readonly Lock _creating = new();
    private Task? _created;

    public InstallatronTables(StorageAccount account, IOptions<InstallatronOptions> options)
    {
        var prefix = options.Value.TablePrefix;
        Users = account.Tables.GetTableClient(prefix + "Users");
        Installs = account.Tables.GetTableClient(prefix + "Installs");
        Versions = account.Tables.GetTableClient(prefix + "Versions");
        Tasks = account.Tables.GetTableClient(prefix + "Tasks");
        Leases = account.Tables.GetTableClient(prefix + "Leases");
        Backups = account.Tables.GetTableClient(prefix + "Backups");
        Rollouts = account.Tables.GetTableClient(prefix + "Rollouts");
        RolloutMembers = account.Tables.GetTableClient(prefix + "RolloutMembers");
        Slots = account.Tables.GetTableClient(prefix + "Slots");
        BackupBlobs = account.Blobs.GetBlobContainerClient(prefix.ToLowerInvariant() + "-backups");
        Packages = account.Blobs.GetBlobContainerClient(prefix.ToLowerInvariant() + "-packages");
    }

    public TableClient Users { get; }

    public TableClient Installs { get; }

    public TableClient Versions { get; }

    public TableClient Tasks { get; }

    /// <summary>One row per install while an update holds it: the "one update per install" guarantee.</summary>
    public TableClient Leases { get; }

    public TableClient Backups { get; }

    /// <summary>Rollouts (one row each) and the sweep's lock.</summary>
    public TableClient Rollouts { get; }

    /// <summary>The installs of each rollout (partition = rollout ID).</summary>
    public TableClient RolloutMembers { get; }

    /// <summary>Concurrency slots of automatic updates, overall and per hosting server.</summary>
    public TableClient Slots { get; }

    public BlobContainerClient Packages { get; }

    /// <summary>Backups whose location (<c>bkloc</c>) is not <c>local</c>.</summary>
    public BlobContainerClient BackupBlobs { get; }

    public IEnumerable<TableClient> AllTables => [Users, Installs, Versions, Tasks, Leases, Backups, Rollouts, RolloutMembers, Slots];

    public IEnumerable<BlobContainerClient> AllContainers => [Packages, BackupBlobs];

    /// <summary>
    /// Creates the tables and the containers once per process; safe to await from every request. Callers at the same
    /// time share one attempt; an attempt that failed (storage not reachable yet at a cold start) is not kept: the next
    /// call tries again.
    /// </summary>
    public Task EnsureCreatedAsync()
    {
        lock (_creating)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = CreateAllAsync();
            }

            return _created;
        }
    }

    private async Task CreateAllAsync()
    {
        foreach (var table in AllTables)
        {
            await table.CreateIfNotExistsAsync();
        }

        foreach (var container in AllContainers)
        {
            await container.CreateIfNotExistsAsync();
        }
    }
}
