using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>An install and the account a request acts for.</summary>
public sealed record InstallInContext(Stored<Install> Install, HostingUser ActingUser, HostingUser Owner);

/// <summary>
/// The one place that decides who may see or change an install, its tasks and its backups. The acting user is the
/// request's <c>user</c>, or the install's owner when none is given. A user acts for its own installs; a reseller
/// also for those of the users it owns; an admin for all. Whoever acts:
/// <list type="bullet">
/// <item>an install the acting user may not act for answers <c>install_not_found</c>, exactly as a missing one (its
/// existence is never revealed, not even that its owner is suspended);</item>
/// <item>an install whose owner is suspended answers 403 <c>invalid_argument_user</c> to everyone else — reads, dry
/// runs, updates and task lists alike — and is left out of lists.</item>
/// </list>
/// </summary>
public sealed class InstallAccess(UserStore users, InstallStore installs)
{
    public async Task<InstallInContext> ResolveAsync(string installId, string? user, CancellationToken cancellationToken)
    {
        // The user and the install are read at the same time; a refusal of the user still comes first.
        var actingRead = user is null ? Task.FromResult<HostingUser?>(null) : RequireOrNullAsync(user, cancellationToken);
        var installRead = Ids.IsValidInstallId(installId) ? installs.GetAsync(installId, cancellationToken) : Task.FromResult<Stored<Install>?>(null);
        await Task.WhenAll(actingRead, installRead);
        var acting = await actingRead;
        var install = await installRead;
        if (install is null)
        {
            throw NotFound(installId);
        }

        var owner = install.Value.User == acting?.User
            ? acting
            : (await users.GetAsync(install.Value.User, cancellationToken))?.Value
              ?? throw new Refusal(ErrorCodes.UserNotFound, user is null ? null : "user",
                  $"The owner of install {installId}, '{install.Value.User}', is not in the Installatron Server database.");

        return Decide(acting, owner) switch
        {
            Access.Allowed => new InstallInContext(install, acting ?? owner, owner),
            Access.OwnerSuspended => throw Suspended(owner),
            _ => throw NotFound(installId),
        };
    }

    /// <summary>What <paramref name="acting"/> (<c>null</c>: the caller named no user) may do with what <paramref name="owner"/> owns.</summary>
    public static Access Decide(HostingUser? acting, HostingUser owner) =>
        acting is not null && !MayActFor(acting, owner) ? Access.Hidden
        : owner.Suspended ? Access.OwnerSuspended
        : Access.Allowed;

    /// <summary>The named user, refused when missing (<c>user_not_found</c>) or suspended (<c>invalid_argument_user</c>).</summary>
    public async Task<HostingUser> RequireUserAsync(string user, CancellationToken cancellationToken)
    {
        var found = (Ids.IsValidUserName(user) ? await users.GetAsync(user, cancellationToken) : null)?.Value
            ?? throw new Refusal(ErrorCodes.UserNotFound, "user", $"The user '{user}' is not in the Installatron Server database.");
        return found.Suspended ? throw Suspended(found) : found;
    }

    private async Task<HostingUser?> RequireOrNullAsync(string user, CancellationToken cancellationToken) => await RequireUserAsync(user, cancellationToken);

    /// <summary>The installs <paramref name="acting"/> may act for (everyone's without a user), those of suspended owners left out.</summary>
    public async Task<IReadOnlyList<Install>> VisibleInstallsAsync(HostingUser? acting, CancellationToken cancellationToken)
    {
        var candidates = acting?.Role == UserRoles.User
            ? await installs.ListAsync(acting.User, cancellationToken)
            : await installs.ListAsync(null, cancellationToken);
        var owners = await OwnersAsync(candidates.Select(i => i.User), acting, cancellationToken);
        return candidates.Where(i => owners.TryGetValue(i.User, out var owner) && Decide(acting, owner) == Access.Allowed).ToList();
    }

    /// <summary>Whether <paramref name="acting"/> may see what the account <paramref name="ownerName"/> owns (a task, a backup).</summary>
    public async Task<Access> DecideAsync(HostingUser? acting, string ownerName, CancellationToken cancellationToken)
    {
        var owner = ownerName == acting?.User ? acting : (await users.GetAsync(ownerName, cancellationToken))?.Value;
        return owner is null ? Access.Hidden : Decide(acting, owner);
    }

    public static bool MayActFor(HostingUser acting, HostingUser owner) =>
        acting.User == owner.User
        || acting.Role == UserRoles.Admin
        || (acting.Role == UserRoles.Reseller && owner.Owner == acting.User);

    public static Refusal Suspended(HostingUser owner) =>
        new(ErrorCodes.InvalidArgumentUser, "user", $"The user '{owner.User}' is suspended and is not authorized to access this data.");

    private async Task<Dictionary<string, HostingUser>> OwnersAsync(IEnumerable<string> names, HostingUser? acting, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<string, HostingUser>(StringComparer.Ordinal);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if ((name == acting?.User ? acting : (await users.GetAsync(name, cancellationToken))?.Value) is { } owner)
            {
                owners[name] = owner;
            }
        }

        return owners;
    }

    private static Refusal NotFound(string installId) =>
        new(ErrorCodes.InstallNotFound, null, $"The install '{installId}' was not found.");
}

/// <summary>What an account may do with what another account owns.</summary>
public enum Access
{
    /// <summary>It may act for the owner, and the owner is active.</summary>
    Allowed,

    /// <summary>It may act for the owner, but the owner is suspended: 403 <c>invalid_argument_user</c>.</summary>
    OwnerSuspended,

    /// <summary>It may not act for the owner: answered as if the thing did not exist.</summary>
    Hidden,
}
