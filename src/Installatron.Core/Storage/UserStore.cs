using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// Hosting accounts, one row each (partition = user name), and beside it, in the same partition, the sealed secrets
/// of the account's remote location (<see cref="SecretBox"/>): a row of its own, so no write of the account can drop
/// them and no read of the account can carry them.
/// </summary>
public sealed class UserStore(InstallatronTables tables, SecretBox secrets)
{
    private const string RowKey = "user";
    private const string SecretsRowKey = "remote-secrets";
    private const string SealedColumn = "Sealed";

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

    /// <summary>The secrets of the account's remote location, decrypted; <see cref="RemoteSecrets.None"/> when there are none.</summary>
    public async Task<RemoteSecrets> GetRemoteSecretsAsync(string user, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var response = await tables.Users.GetEntityIfExistsAsync<TableEntity>(user, SecretsRowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value?.GetString(SealedColumn) is not { } sealedText)
        {
            return RemoteSecrets.None;
        }

        return JsonSerializer.Deserialize<RemoteSecrets>(secrets.Open(sealedText, Context(user)), StorageJson.Options) ?? RemoteSecrets.None;
    }

    /// <summary>Stores the secrets sealed with the current key, or removes them (<c>null</c> or none set).</summary>
    public async Task SaveRemoteSecretsAsync(string user, RemoteSecrets? remoteSecrets, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (remoteSecrets is null || (!remoteSecrets.HasPassword && !remoteSecrets.HasPrivateKey))
        {
            await tables.Users.DeleteEntityAsync(user, SecretsRowKey, ETag.All, cancellationToken);
            return;
        }

        var entity = new TableEntity(user, SecretsRowKey)
        {
            [SealedColumn] = secrets.Seal(JsonSerializer.Serialize(remoteSecrets, StorageJson.Options), Context(user)),
        };
        await tables.Users.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The associated data a user's secrets are sealed with: they open for this user and this purpose only.</summary>
    private static string Context(string user) => $"installatron/users/{user}/remote-secrets";

    private static TableEntity ToEntity(HostingUser user) =>
        DocumentEntity.Create(user.User, RowKey, user, new Dictionary<string, object> { ["Owner"] = user.Owner });
}
