using Azure;
using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>Hosting accounts, one row each (partition = user name).</summary>
public sealed class UserStore(InstallatronTables tables)
{
    private const string RowKey = "user";

    public async Task<Stored<HostingUser>?> GetAsync(string user, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await tables.Users.GetAsync<HostingUser>(user, RowKey, cancellationToken);
    }

    public async Task<ETag> AddAsync(HostingUser user, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return await tables.Users.AddAsync(ToEntity(user),
            new Refusal(ErrorCodes.UserExists, "user", $"The user '{user.User}' already exists."), cancellationToken);
    }

    public Task<ETag> ReplaceAsync(HostingUser user, ETag etag, CancellationToken cancellationToken) =>
        tables.Users.ReplaceAsync(ToEntity(user), etag, cancellationToken);

    private static Azure.Data.Tables.TableEntity ToEntity(HostingUser user) =>
        DocumentEntity.Create(user.User, RowKey, user, new Dictionary<string, object> { ["Owner"] = user.Owner });
}
