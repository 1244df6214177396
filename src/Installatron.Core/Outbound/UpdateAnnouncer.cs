using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Outbound;

/// <summary>
/// <c>update_available</c> and <c>plugin_update_available</c>: after each automatic-update sweep and each catalog sync
/// that added something, every install is checked for a newer core (its <c>version_available</c>) and newer plugins and
/// themes in the catalog. Each newly available version is announced once — the last version announced per install
/// and thing is remembered. A core version the automatic updater installs (the install's <c>autoup</c> makes it due) is
/// not announced: the <c>update</c> notification follows instead. Installs are read a page at a time
/// (<see cref="InstallatronOptions.SweepPageSize"/>), never the whole table at once.
/// </summary>
public sealed partial class UpdateAnnouncer(
    InstallStore installs, UserStore users, InstallView view, CatalogStore catalog, RecipeBook recipes, AnnouncementStore announced,
    NotificationPlanner planner, NotificationOutbox outbox, IOptions<InstallatronOptions> options, ILogger<UpdateAnnouncer> logger)
{
    /// <returns>How many new versions were announced.</returns>
    public async Task<int> AnnounceAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var catalogCache = new Dictionary<string, IReadOnlyList<CatalogVersion>>(StringComparer.Ordinal);
        var count = 0;
        string? next = null;
        do
        {
            (var page, next) = await installs.PageAsync(next, options.Value.SweepPageSize, cancellationToken);
            foreach (var stored in page)
            {
                try
                {
                    count += await AnnounceAsync(stored, catalogCache, client, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One install's trouble (a concurrent change, a removed owner) never stops the others; the next run retries it.
                    LogFailed(logger, e, stored.Id);
                }
            }
        }
        while (next is not null);

        return count;
    }

    /// <summary>After a catalog sync: announces only when the sync added a version.</summary>
    public async Task<int> AfterCatalogSyncAsync(CatalogSyncRun run, DurableTaskClient client, CancellationToken cancellationToken) =>
        run.Count(SyncOutcomes.Added) > 0 ? await AnnounceAsync(client, cancellationToken) : 0;

    private async Task<int> AnnounceAsync(
        Install stored, Dictionary<string, IReadOnlyList<CatalogVersion>> catalogCache,
        DurableTaskClient client, CancellationToken cancellationToken)
    {
        var owner = (await users.GetAsync(stored.User, cancellationToken))?.Value;
        if (owner is null || owner.Suspended)
        {
            return 0;
        }

        var install = await view.PresentAsync(stored, cancellationToken);
        var record = await announced.GetAsync(install.Id, cancellationToken);
        var versions = new Dictionary<string, string>(record?.Value.Versions ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var fresh = (await AvailableAsync(install, catalogCache, cancellationToken))
            .Where(a => !(versions.TryGetValue(a.Key, out var last) && last == a.Version))
            .ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        foreach (var available in fresh)
        {
            await outbox.EnqueueAsync(await planner.ForAvailableAsync(install, owner, available, cancellationToken), client, cancellationToken);
            versions[available.Key] = available.Version;
        }

        // After the outbox rows: a crash in between announces again with the same IDs, which the outbox keeps once.
        await announced.SaveAsync(install.Id, new Announced(versions), record?.ETag, cancellationToken);
        LogAnnounced(logger, install.Id, fresh.Count);
        return fresh.Count;
    }

    /// <summary>The newer core the install can be updated to (unless the automatic updater does it), and newer plugins and themes.</summary>
    private async Task<IReadOnlyList<AvailableUpdate>> AvailableAsync(
        Install install, Dictionary<string, IReadOnlyList<CatalogVersion>> catalogCache, CancellationToken cancellationToken)
    {
        var available = new List<AvailableUpdate>();
        var automatic = AutoUpdater.AutomaticTarget(install) == install.VersionAvailable;
        if (install.VersionAvailable is { } core && !automatic)
        {
            available.Add(new AvailableUpdate(AvailableUpdate.Core, install.Application, install.Version, core));
        }

        var recipe = await recipes.ForAsync(install.Application, cancellationToken);
        if (recipe.Component(AvailableUpdate.Plugin) is not { } plugin || recipe.Component(AvailableUpdate.Theme) is not { } theme)
        {
            return available;
        }

        var components = install.Plugins.Select(p => (Kind: AvailableUpdate.Plugin, p.Id, p.Version, Application: plugin.ApplicationPrefix + p.Id))
            .Concat(install.Themes.Select(t => (Kind: AvailableUpdate.Theme, t.Id, t.Version, Application: theme.ApplicationPrefix + t.Id)));
        foreach (var (kind, id, version, application) in components)
        {
            if (!catalogCache.TryGetValue(application, out var versions))
            {
                catalogCache[application] = versions = Ids.IsValidApplicationId(application) ? await catalog.ListVersionsAsync(application, cancellationToken) : [];
            }

            if (AppVersion.TryParse(version, out var installed) && versions.Where(v => v.ParsedVersion > installed).MaxBy(v => v.ParsedVersion) is { } newest)
            {
                available.Add(new AvailableUpdate(kind, id, version, newest.Version));
            }
        }

        return available;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Install {InstallId}: {Count} newly available version(s) announced")]
    private static partial void LogAnnounced(ILogger logger, string installId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing available updates of install {InstallId} failed; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string installId);
}
