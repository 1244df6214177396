using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Storage;

/// <summary>The tables and the blob container of one deployment, named from <see cref="InstallatronOptions.TablePrefix"/>.</summary>
public sealed class InstallatronTables
{
    private readonly Lazy<Task> _created;

    public InstallatronTables(StorageAccount account, IOptions<InstallatronOptions> options)
    {
        var prefix = options.Value.TablePrefix;
        Users = account.Tables.GetTableClient(prefix + "Users");
        Installs = account.Tables.GetTableClient(prefix + "Installs");
        Versions = account.Tables.GetTableClient(prefix + "Versions");
        Tasks = account.Tables.GetTableClient(prefix + "Tasks");
        Leases = account.Tables.GetTableClient(prefix + "Leases");
        Backups = account.Tables.GetTableClient(prefix + "Backups");
        BackupBlobs = account.Blobs.GetBlobContainerClient(prefix.ToLowerInvariant() + "-backups");
        Packages = account.Blobs.GetBlobContainerClient(prefix.ToLowerInvariant() + "-packages");
        _created = new Lazy<Task>(CreateAllAsync);
    }

    public TableClient Users { get; }

    public TableClient Installs { get; }

    public TableClient Versions { get; }

    public TableClient Tasks { get; }

    /// <summary>One row per install while an update holds it: the "one update per install" guarantee.</summary>
    public TableClient Leases { get; }

    public TableClient Backups { get; }

    public BlobContainerClient Packages { get; }

    /// <summary>Backups whose location (<c>bkloc</c>) is not <c>local</c>.</summary>
    public BlobContainerClient BackupBlobs { get; }

    public IEnumerable<TableClient> AllTables => [Users, Installs, Versions, Tasks, Leases, Backups];

    public IEnumerable<BlobContainerClient> AllContainers => [Packages, BackupBlobs];

    /// <summary>Creates the tables and the container once per process; safe to await from every request.</summary>
    public Task EnsureCreatedAsync() => _created.Value;

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
