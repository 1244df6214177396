using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary>
/// Hosting accounts: <c>POST /users</c> creates, <c>POST /users/{user}</c> edits, <c>GET /users/{user}</c> reads. An
/// account may have a remote location (<see cref="RemoteLocationFields"/>); its secrets are stored sealed beside the
/// account after the account itself, and never shown. Any edit seals the stored secrets again with the current key
/// (how a key rotation reaches every account).
/// </summary>
public sealed class UsersApi(ApiGuard guard, UserStore users, TimeProvider time)
{
    private static readonly IReadOnlyList<string> EditableFields =
    [
        "role", "owner", "suspended", "email", "home", "vhosts", "quota_disk_bytes", "quota_inodes", "php_version",
        "db_server", "db_version", "allowed_paths", .. RemoteLocationFields.Names,
    ];

    public Task<ApiResult> GetAsync(HttpRequest request, string user, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            RequestFields.FromQuery(request).RejectUnknown([]);
            return ApiResult.Success((await RequireAsync(user, cancellationToken)).Value);
        });

    public Task<ApiResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown(["user", .. EditableFields]);
            var name = fields.RequiredString("user");
            if (!Ids.IsValidUserName(name))
            {
                throw RequestFields.Invalid("user", "must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var (user, secrets) = await ApplyAsync(new HostingUser { User = name, TimeCreated = now, TimeUpdated = now }, RemoteSecrets.None, fields, cancellationToken);
            await users.AddAsync(user, cancellationToken);
            await users.SaveRemoteSecretsAsync(name, secrets, cancellationToken);
            return ApiResult.Success(user, $"The user {name} was created.\n", 201);
        });

    public Task<ApiResult> EditAsync(HttpRequest request, string user, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown(EditableFields);
            var stored = await RequireAsync(user, cancellationToken);
            var storedSecrets = stored.Value.Remote is null ? RemoteSecrets.None : await users.GetRemoteSecretsAsync(user, cancellationToken);
            var (edited, secrets) = await ApplyAsync(stored.Value, storedSecrets, fields, cancellationToken);
            edited = edited with { TimeUpdated = time.GetUtcNow().ToUnixTimeSeconds() };
            await users.ReplaceAsync(edited, stored.ETag, cancellationToken);
            await users.SaveRemoteSecretsAsync(user, edited.Remote is null ? null : secrets, cancellationToken);
            return ApiResult.Success(edited, $"The user {user} was updated.\n");
        });

    private async Task<Stored<HostingUser>> RequireAsync(string user, CancellationToken cancellationToken) =>
        (Ids.IsValidUserName(user) ? await users.GetAsync(user, cancellationToken) : null)
        ?? throw new Refusal(ErrorCodes.UserNotFound, "user", $"The user '{user}' is not in the Installatron Server database.");

    /// <summary>The user with the given fields changed, and the secrets of its remote location; every value is checked first.</summary>
    private async Task<(HostingUser User, RemoteSecrets Secrets)> ApplyAsync(
        HostingUser user, RemoteSecrets storedSecrets, RequestFields fields, CancellationToken cancellationToken)
    {
        var owner = fields.String("owner") ?? user.Owner;
        if (owner.Length > 0 && owner != user.Owner)
        {
            var found = (Ids.IsValidUserName(owner) ? await users.GetAsync(owner, cancellationToken) : null)?.Value;
            if (found is null || found.Role == UserRoles.User || owner == user.User)
            {
                throw RequestFields.Invalid("owner", $"must name an existing reseller or admin account ('{owner}' is not one)");
            }
        }

        var vhosts = fields.StringList("vhosts")?.Select(v => v.Trim().ToLowerInvariant()).Distinct().ToList() ?? [.. user.Vhosts];
        if (vhosts.FirstOrDefault(v => !Ids.IsValidDomain(v)) is { } badDomain)
        {
            throw RequestFields.Invalid("vhosts", $"holds '{badDomain}', which is not a domain name");
        }

        var home = fields.String("home") ?? user.Home;
        if (home.Length > 0 && !Path.IsPathFullyQualified(home))
        {
            throw RequestFields.Invalid("home", "must be an absolute path");
        }

        var remote = RemoteLocationFields.Read(fields, user.Remote, storedSecrets) ?? new RemoteChange(user.Remote, storedSecrets);
        if (remote.Remote is not null && home.Length == 0)
        {
            throw RequestFields.Invalid("home", "is required for an account with a remote location: the absolute path of its home on that server");
        }

        var changed = user with
        {
            Role = fields.Enum("role", UserRoles.All, user.Role),
            Owner = owner,
            Suspended = fields.Bool("suspended", user.Suspended),
            Email = fields.String("email") ?? user.Email,
            Home = home,
            Vhosts = vhosts,
            QuotaDiskBytes = fields.Long("quota_disk_bytes", user.QuotaDiskBytes),
            QuotaInodes = fields.Long("quota_inodes", user.QuotaInodes),
            PhpVersion = OptionalVersion(fields, "php_version", user.PhpVersion),
            DbServer = fields.Enum("db_server", DbServers.All, user.DbServer),
            DbVersion = OptionalVersion(fields, "db_version", user.DbVersion),
            AllowedPaths = AllowedPaths(fields) ?? user.AllowedPaths,
            Remote = remote.Remote,
        };
        return (changed, remote.Secrets);
    }

    /// <summary>Absolute folders (trailing '/' dropped), none holding '..'.</summary>
    private static IReadOnlyList<string>? AllowedPaths(RequestFields fields)
    {
        var paths = fields.StringList("allowed_paths");
        if (paths?.FirstOrDefault(p => !p.StartsWith('/') || p.Split('/').Contains("..") || Text.UnsafeText.Describe(p) is not null) is { } bad)
        {
            throw RequestFields.Invalid("allowed_paths", $"holds '{Text.UnsafeText.Show(bad)}'; every entry must be an absolute folder without '..'");
        }

        return paths?.Select(p => p.Length > 1 ? p.TrimEnd('/') : p).Distinct(StringComparer.Ordinal).ToList();
    }

    private static string OptionalVersion(RequestFields fields, string name, string current)
    {
        var value = fields.String(name);
        if (value is null)
        {
            return current;
        }

        return value.Length == 0 || AppVersion.TryParse(value, out _) ? value : throw RequestFields.Invalid(name, "must be a version such as 8.2");
    }
}
