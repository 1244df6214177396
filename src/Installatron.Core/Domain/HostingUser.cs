namespace Installatron.Core.Domain;

/// <summary>
/// An Installatron Server user: one hosting account with the domains it manages (<c>vhosts</c>), its quota
/// and the PHP/database environment its sites run on.
/// </summary>
public sealed record HostingUser
{
    public required string User { get; init; }

    /// <summary><c>user</c>, <c>reseller</c> (acts for the users it owns) or <c>admin</c> (acts for everyone).</summary>
    public string Role { get; init; } = UserRoles.User;

    /// <summary>The reseller or admin that owns this account; empty when none.</summary>
    public string Owner { get; init; } = "";

    /// <summary>A suspended account may not be acted on or for: <c>invalid_argument_user</c>.</summary>
    public bool Suspended { get; init; }

    public string Email { get; init; } = "";

    /// <summary>The account's home directory; installs live below it.</summary>
    public string Home { get; init; } = "";

    public IReadOnlyList<string> Vhosts { get; init; } = [];

    /// <summary>Disk space quota in bytes; 0 = unlimited.</summary>
    public long QuotaDiskBytes { get; init; }

    /// <summary>Files (inodes) quota; 0 = unlimited.</summary>
    public long QuotaInodes { get; init; }

    public string PhpVersion { get; init; } = "";

    /// <summary><c>mysql</c> or <c>mariadb</c>.</summary>
    public string DbServer { get; init; } = DbServers.MariaDb;

    public string DbVersion { get; init; } = "";

    /// <summary>The server the account's files are on, when not this machine's; <see cref="Home"/> and install paths are then that server's.</summary>
    public RemoteLocation? Remote { get; init; }

    /// <summary>
    /// Installatron's "path on demand" policy: when not empty, an install's folder must lie under one of these absolute
    /// paths (once every link is followed), else <c>failed_filesystem_ondemand</c>.
    /// </summary>
    public IReadOnlyList<string> AllowedPaths { get; init; } = [];

    public long TimeCreated { get; init; }

    public long TimeUpdated { get; init; }

    public bool ManagesDomain(string domain) =>
        Vhosts.Any(vhost => string.Equals(vhost, domain, StringComparison.OrdinalIgnoreCase));
}

public static class UserRoles
{
    public const string User = "user";
    public const string Reseller = "reseller";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [User, Reseller, Admin];
}

public static class DbServers
{
    public const string MySql = "mysql";
    public const string MariaDb = "mariadb";

    public static readonly IReadOnlyList<string> All = [MySql, MariaDb];
}
