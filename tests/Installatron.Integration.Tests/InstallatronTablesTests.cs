using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Installatron.Core;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Processes;
using Installatron.Server.Azurite;
using Microsoft.Extensions.Options;

namespace Installatron.Integration.Tests;

/// <summary>Creating the tables at a cold start, when storage is not reachable yet.</summary>
public sealed class InstallatronTablesTests
{
    [Fact]
    public async Task EnsureCreatedAsync_StorageUnreachableThenUp_RetriesAndCreatesEverything()
    {
        var ports = new AzuritePorts(LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        var connectionString = AzuriteProcess.ConnectionStringFor(ports);
        var account = new StorageAccount(
            new TableServiceClient(connectionString, new TableClientOptions { Retry = { MaxRetries = 0 } }),
            new BlobServiceClient(connectionString, new BlobClientOptions { Retry = { MaxRetries = 0 } }));
        var tables = new InstallatronTables(account, Options.Create(new InstallatronOptions { TablePrefix = TestIds.NewPrefix() }));

        await Assert.ThrowsAsync<RequestFailedException>(tables.EnsureCreatedAsync);

        await using var azurite = await AzuriteProcess.StartAsync(RepositoryPaths.Root, location: null, TextWriter.Null, CancellationToken.None, ports);
        await tables.EnsureCreatedAsync();

        foreach (var table in tables.AllTables)
        {
            await table.AddEntityAsync(new TableEntity("p", "r"));
        }

        foreach (var container in tables.AllContainers)
        {
            Assert.True((await container.ExistsAsync()).Value, $"{container.Name} was not created.");
        }
    }
}
