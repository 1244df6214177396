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
        Packages = account.Blobs.GetBlobContainerClient(prefix.ToLowerInvariant() + "-packages");
        _created = new Lazy<Task>(CreateAllAsync);
    }

    public TableClient Users { get; }

    public TableClient Installs { get; }

    public TableClient Versions { get; }

    public BlobContainerClient Packages { get; }

    public IEnumerable<TableClient> AllTables => [Users, Installs, Versions];

    /// <summary>Creates the tables and the container once per process; safe to await from every request.</summary>
    public Task EnsureCreatedAsync() => _created.Value;

    private async Task CreateAllAsync()
    {
        foreach (var table in AllTables)
        {
            await table.CreateIfNotExistsAsync();
        }

        await Packages.CreateIfNotExistsAsync();
    }
}
