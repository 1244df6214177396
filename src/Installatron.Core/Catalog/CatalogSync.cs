using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Catalog;

/// <summary>
/// Fills the catalog from a WordPress.org-style source (<c>Installatron:CatalogSourceUrl</c>): WordPress core, and the
/// plugins and themes the catalog's WordPress installs have plus those listed in <c>Installatron:CatalogSyncPlugins</c> /
/// <c>CatalogSyncThemes</c>. Idempotent: a release already in the catalog is never downloaded again, so a second sync
/// adds nothing, and a sync interrupted half-way converges when run again (each release is published whole or not at all).
/// Runs from a timer (Functions app), a background service (standalone server) and <c>POST /catalog/sync</c>.
/// </summary>
public sealed partial class CatalogSync(
    WordPressOrgSource source, InstallStore installs, CoreReleases core, ComponentReleases components,
    IOptions<InstallatronOptions> options, TimeProvider time, ILogger<CatalogSync> logger)
{
    public static readonly IReadOnlyList<string> NewBranchModes = [UpgradeModes.Auto, UpgradeModes.Manual, UpgradeModes.None];

    public bool IsEnabled => source.IsEnabled;

    public async Task<CatalogSyncRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!source.IsEnabled)
        {
            throw new Refusal(ErrorCodes.CatalogSyncOff, null, "The catalog sync is off on this server: Installatron__CatalogSourceUrl is empty.");
        }

        var baseUri = source.BaseUri;
        var newBranch = options.Value.CatalogSyncNewBranch.Trim().ToLowerInvariant();
        if (!NewBranchModes.Contains(newBranch))
        {
            throw new Refusal(ErrorCodes.FailedCatalogSource, null,
                $"Installatron__CatalogSyncNewBranch is '{options.Value.CatalogSyncNewBranch}'; it must be auto, manual or none.");
        }

        var started = time.GetUtcNow().ToUnixTimeSeconds();
        var log = new CatalogSyncLog();
        var wordpress = (await installs.ListAsync(null, cancellationToken)).Where(i => i.Application == Applications.WordPress).ToList();
        await core.SyncAsync(wordpress, newBranch, log, cancellationToken);
        await components.SyncAsync("plugin", Slugs(wordpress.SelectMany(i => i.Plugins.Select(p => p.Id)), options.Value.CatalogSyncPlugins), newBranch, log, cancellationToken);
        await components.SyncAsync("theme", Slugs(wordpress.SelectMany(i => i.Themes.Select(t => t.Id)), options.Value.CatalogSyncThemes), newBranch, log, cancellationToken);

        var run = new CatalogSyncRun(baseUri.ToString(), started, time.GetUtcNow().ToUnixTimeSeconds(), log.Items, log.ChecksumsStored);
        LogRun(logger, run.Source, run.Count(SyncOutcomes.Added), run.Count(SyncOutcomes.Rejected), run.Count(SyncOutcomes.Failed));
        return run;
    }

    /// <summary>Same branch (<c>6.7.*</c>): automatic; from any other version: <paramref name="newBranchMode"/> (<c>none</c>: no rule).</summary>
    public static IReadOnlyList<UpgradeRule> UpgradeRulesFor(AppVersion version, string newBranchMode) =>
        newBranchMode == UpgradeModes.None
            ? [new UpgradeRule(version.DefaultBranch + ".*", UpgradeModes.Auto)]
            : [new UpgradeRule(version.DefaultBranch + ".*", UpgradeModes.Auto), new UpgradeRule("*", newBranchMode)];

    /// <summary>A requirement as the catalog holds it: a version, or "" when the source gives none (or something else).</summary>
    public static string VersionOrEmpty(string? text) => AppVersion.TryParse(text?.Trim(), out var version) ? version.Text : "";

    /// <summary>The installs' slugs and the configured ones (comma or space separated), each once, in order.</summary>
    private static IEnumerable<string> Slugs(IEnumerable<string> fromInstalls, string configured) =>
        fromInstalls.Concat(configured.Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => s.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog sync from {Source}: {Added} added, {Rejected} rejected, {Failed} failed")]
    private static partial void LogRun(ILogger logger, string source, int added, int rejected, int failed);
}
