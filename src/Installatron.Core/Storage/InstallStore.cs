using Azure;
using Azure.Data.Tables;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>Installs, one row each (partition = install ID), with the owner and application as queryable columns.</summary>
public sealed class InstallStore(InstallatronTables tables)
{
    private const string RowKey = "install";

    public async Task<Stored<Install>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await tables.Installs.GetAsync<Install>(id, RowKey, cancellationToken);
    }

    /// <summary>The installs of one user (or of everyone), ordered by ID.</summary>
    public async Task<IReadOnlyList<Install>> ListAsync(string? user, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var filter = user is null ? null : TableClient.CreateQueryFilter($"User eq {user}");
        var installs = new List<Install>();
        await foreach (var entity in tables.Installs.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            installs.Add(DocumentEntity.Read<Install>(entity).Value);
        }

        return installs;
    }

    /// <summary>One page of every install (at most <paramref name="pageSize"/>), and the token of the next page (<c>null</c> after the last).</summary>
    public async Task<(IReadOnlyList<Install> Installs, string? Next)> PageAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        await foreach (var page in tables.Installs.QueryAsync<TableEntity>(maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(e => DocumentEntity.Read<Install>(e).Value).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    public async Task<ETag> AddAsync(Install install, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await tables.Installs.AddAsync(ToEntity(install),
            new Refusal(ErrorCodes.InstallExists, "id", $"An install with the ID '{install.Id}' already exists."), cancellationToken);
    }

    public Task<ETag> ReplaceAsync(Install install, ETag etag, CancellationToken cancellationToken) =>
        tables.Installs.ReplaceAsync(ToEntity(install), etag, cancellationToken);

    private static TableEntity ToEntity(Install install)
    {
        // The availability fields are computed from the catalog on every read, never stored.
        var stored = install with { VersionAvailable = null, VersionAvailableMinor = null, VersionUpdatesAvailable = 0 };
        return DocumentEntity.Create(install.Id, RowKey, stored, new Dictionary<string, object>
        {
            ["User"] = install.User,
            ["Application"] = install.Application,
            ["Version"] = install.Version,
        });
    }
}
