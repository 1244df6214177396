using Installatron.Core.Api;

namespace Installatron.Core.Domain;

/// <summary>
/// Decides which catalog versions an install may update to: the <c>upgrade_from</c> rules of each version,
/// its requirements against the account's environment, and the default target when none is asked for.
/// </summary>
public static class UpdatePolicy
{
    /// <summary>The <c>version</c> value that skips the core update (plugins and themes only).</summary>
    public const string CurrentVersion = "current";

    public static string ModeFor(CatalogVersion target, AppVersion from)
    {
        if (target.ParsedVersion <= from)
        {
            return UpgradeModes.None;
        }

        var rule = target.UpgradeFrom.FirstOrDefault(rule => from.Matches(rule.From));
        return rule?.Mode ?? UpgradeModes.None;
    }

    /// <summary>The requirements the account's environment does not meet, as readable sentences; empty if all met.</summary>
    public static IReadOnlyList<string> UnmetRequirements(Requirements requirements, HostingUser account)
    {
        var unmet = new List<string>();
        CheckMinimum(unmet, "PHP", requirements.PhpMin, account.PhpVersion);
        if (requirements.PhpMax.Length > 0 && AppVersion.TryParse(account.PhpVersion, out var php)
            && php > AppVersion.Parse(requirements.PhpMax) && !php.Matches(requirements.PhpMax + ".*"))
        {
            unmet.Add($"PHP at most {requirements.PhpMax} (the account has {account.PhpVersion})");
        }

        if (account.DbServer == DbServers.MariaDb)
        {
            CheckMinimum(unmet, "MariaDB", requirements.MariadbMin, account.DbVersion);
        }
        else
        {
            CheckMinimum(unmet, "MySQL", requirements.MysqlMin, account.DbVersion);
        }

        return unmet;
    }

    /// <summary>Versions an install on <paramref name="from"/> can be updated to by Installatron, newest first.</summary>
    public static IEnumerable<CatalogVersion> AutoCandidates(IEnumerable<CatalogVersion> catalog, AppVersion from) =>
        catalog.Where(v => ModeFor(v, from) == UpgradeModes.Auto).OrderByDescending(v => v.ParsedVersion);

    /// <summary>The seed's <c>version_available</c>, <c>version_available_minor</c> and <c>version_updates_available</c>.</summary>
    public static Install WithAvailability(Install install, IReadOnlyCollection<CatalogVersion> catalog)
    {
        if (!AppVersion.TryParse(install.Version, out var from))
        {
            return install with { VersionAvailable = null, VersionAvailableMinor = null, VersionUpdatesAvailable = 0 };
        }

        var candidates = AutoCandidates(catalog, from).ToList();
        var minor = candidates.FirstOrDefault(v => v.ParsedVersion.DefaultBranch == from.DefaultBranch);
        return install with
        {
            VersionAvailable = candidates.FirstOrDefault()?.Version,
            VersionAvailableMinor = minor?.Version,
            VersionUpdatesAvailable = candidates.Count,
        };
    }

    /// <summary>
    /// Resolves the request's <c>version</c> into the version to install, or <c>null</c> for <c>current</c>
    /// (core untouched). Refuses with the seed's errcodes.
    /// </summary>
    public static CatalogVersion? ChooseTarget(
        string? requested, string versionField, Install install, IReadOnlyCollection<CatalogVersion> catalog, HostingUser account)
    {
        if (string.Equals(requested, CurrentVersion, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!AppVersion.TryParse(install.Version, out var from))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersionNoupdate, versionField,
                $"The install's current version '{install.Version}' is not a version Installatron can update from.");
        }

        return requested is null
            ? ChooseDefault(install, from, catalog, account, versionField)
            : ChooseRequested(requested, versionField, install, from, catalog, account);
    }

    private static CatalogVersion ChooseDefault(
        Install install, AppVersion from, IReadOnlyCollection<CatalogVersion> catalog, HostingUser account, string versionField)
    {
        var candidates = AutoCandidates(catalog, from).ToList();
        if (candidates.Count == 0)
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersionNoupdate, versionField,
                $"{install.Application} {install.Version} is the newest version Installatron can update this install to.");
        }

        return candidates.FirstOrDefault(v => UnmetRequirements(v.Requirements, account).Count == 0)
            ?? throw Unmet(candidates[0], account, versionField);
    }

    private static CatalogVersion ChooseRequested(
        string requested, string versionField, Install install, AppVersion from, IReadOnlyCollection<CatalogVersion> catalog, HostingUser account)
    {
        if (!AppVersion.TryParse(requested, out var wanted))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, versionField,
                $"'{requested}' is not a version (expected a version such as 6.7.3, or 'current').");
        }

        var target = catalog.FirstOrDefault(v => v.ParsedVersion.Equals(wanted))
            ?? throw new Refusal(ErrorCodes.InvalidArgumentVersion, versionField,
                $"{install.Application} has no version '{requested}'. Use GET /browser/{install.Application} for the available versions.");

        switch (ModeFor(target, from))
        {
            case UpgradeModes.Manual:
                throw new Refusal(ErrorCodes.InvalidArgumentVersionManualupdate, versionField,
                    $"Installatron cannot update {install.Application} {install.Version} to {target.Version}; a manual update to {target.Version} exists.");
            case UpgradeModes.None:
                throw new Refusal(ErrorCodes.InvalidArgumentVersionNoupdate, versionField,
                    target.ParsedVersion <= from
                        ? $"{install.Application} {install.Version} cannot be updated to {target.Version}: it is not newer than the installed version."
                        : $"Installatron cannot update {install.Application} {install.Version} to {target.Version}.");
        }

        if (UnmetRequirements(target.Requirements, account).Count > 0)
        {
            throw Unmet(target, account, versionField);
        }

        return target;
    }

    private static Refusal Unmet(CatalogVersion target, HostingUser account, string versionField) =>
        new(ErrorCodes.InvalidArgumentVersionUnmetrequirements, versionField,
            $"{target.Application} {target.Version} needs {string.Join(" and ", UnmetRequirements(target.Requirements, account))}.");

    private static void CheckMinimum(List<string> unmet, string name, string minimum, string actual)
    {
        if (minimum.Length == 0)
        {
            return;
        }

        if (!AppVersion.TryParse(actual, out var have) || have < AppVersion.Parse(minimum))
        {
            unmet.Add($"{name} {minimum} or newer (the account has {(actual.Length == 0 ? "none" : actual)})");
        }
    }
}
