using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Api;

/// <summary>An install and the account a request acts for.</summary>
public sealed record InstallInContext(Stored<Install> Install, HostingUser ActingUser, HostingUser Owner);

/// <summary>
/// Who may see or change an install. The acting user is the request's <c>user</c>, or the install's owner when none
/// is given. A user acts for its own installs; a reseller also for those of the users it owns; an admin for all.
/// An install the acting user may not see answers <c>install_not_found</c>, exactly as a missing one (never reveal it).
/// </summary>
public sealed class InstallAccess(UserStore users, InstallStore installs)
{
    public async Task<InstallInContext> ResolveAsync(string installId, string? user, CancellationToken cancellationToken)
    {
        var acting = user is null ? null : await RequireUserAsync(user, cancellationToken);

        var install = Ids.IsValidInstallId(installId) ? await installs.GetAsync(installId, cancellationToken) : null;
        if (install is null)
        {
            throw NotFound(installId);
        }

        var owner = install.Value.User == acting?.User
            ? acting
            : (await users.GetAsync(install.Value.User, cancellationToken))?.Value
              ?? throw new ApiRefusal(ErrorCodes.UserNotFound, user is null ? null : "user",
                  $"The owner of install {installId}, '{install.Value.User}', is not in the Installatron Server database.");

        if (acting is null)
        {
            EnsureActive(owner, "user");
            return new InstallInContext(install, owner, owner);
        }

        if (!MayActFor(acting, owner))
        {
            throw NotFound(installId);
        }

        return new InstallInContext(install, acting, owner);
    }

    /// <summary>The named user, refused when missing (<c>user_not_found</c>) or suspended (<c>invalid_argument_user</c>).</summary>
    public async Task<HostingUser> RequireUserAsync(string user, CancellationToken cancellationToken)
    {
        var found = (Ids.IsValidUserName(user) ? await users.GetAsync(user, cancellationToken) : null)?.Value
            ?? throw new ApiRefusal(ErrorCodes.UserNotFound, "user", $"The user '{user}' is not in the Installatron Server database.");
        EnsureActive(found, "user");
        return found;
    }

    public async Task<HostingUser?> OwnerOfAsync(Install install, CancellationToken cancellationToken) =>
        (await users.GetAsync(install.User, cancellationToken))?.Value;

    public static bool MayActFor(HostingUser acting, HostingUser owner) =>
        acting.User == owner.User
        || acting.Role == UserRoles.Admin
        || (acting.Role == UserRoles.Reseller && owner.Owner == acting.User);

    private static void EnsureActive(HostingUser user, string field)
    {
        if (user.Suspended)
        {
            throw new ApiRefusal(ErrorCodes.InvalidArgumentUser, field,
                $"The user '{user.User}' is suspended and is not authorized to access this data.");
        }
    }

    private static ApiRefusal NotFound(string installId) =>
        new(ErrorCodes.InstallNotFound, null, $"The install '{installId}' was not found.");
}
