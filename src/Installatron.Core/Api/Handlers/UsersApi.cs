using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary>Hosting accounts: <c>POST /users</c> creates, <c>POST /users/{user}</c> edits, <c>GET /users/{user}</c> reads.</summary>
public sealed class UsersApi(ApiGuard guard, UserStore users, TimeProvider time)
{
    private static readonly IReadOnlyList<string> EditableFields =
    [
        "role", "owner", "suspended", "email", "home", "vhosts", "quota_disk_bytes", "quota_inodes", "php_version",
        "db_server", "db_version",
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
            var user = await ApplyAsync(new HostingUser { User = name, TimeCreated = now, TimeUpdated = now }, fields, cancellationToken);
            await users.AddAsync(user, cancellationToken);
            return ApiResult.Success(user, $"The user {name} was created.\n", 201);
        });

    public Task<ApiResult> EditAsync(HttpRequest request, string user, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = await RequestFields.ReadAsync(request, cancellationToken);
            fields.RejectUnknown(EditableFields);
            var stored = await RequireAsync(user, cancellationToken);
            var edited = await ApplyAsync(stored.Value, fields, cancellationToken) with { TimeUpdated = time.GetUtcNow().ToUnixTimeSeconds() };
            await users.ReplaceAsync(edited, stored.ETag, cancellationToken);
            return ApiResult.Success(edited, $"The user {user} was updated.\n");
        });

    private async Task<Stored<HostingUser>> RequireAsync(string user, CancellationToken cancellationToken) =>
        (Ids.IsValidUserName(user) ? await users.GetAsync(user, cancellationToken) : null)
        ?? throw new Refusal(ErrorCodes.UserNotFound, "user", $"The user '{user}' is not in the Installatron Server database.");

    /// <summary>The user with the given fields changed; every value is checked first.</summary>
    private async Task<HostingUser> ApplyAsync(HostingUser user, RequestFields fields, CancellationToken cancellationToken)
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

        return user with
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
        };
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
