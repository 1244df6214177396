using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Catalog;

/// <summary>
/// WordPress core from the source: the releases the version check offers (to a new site, and to a site on each core
/// version the catalog's installs run, as WordPress itself asks), minus those the stable check calls insecure. A release
/// the catalog lacks is published only once its zip matches the source's core checksums; those checksums are stored
/// with it, and stored too for every installed version and every offered version already in the catalog (never for a
/// rejected one), so that preflight and verify can check a site's core files.
/// </summary>
public sealed class CoreReleases(WordPressOrgSource source, CatalogStore catalog, CoreChecksumStore checksums, ReleaseImporter importer)
{
    private static readonly HashSet<string> Responses = ["upgrade", "autoupdate", "latest"];

    public async Task SyncAsync(IReadOnlyList<Install> installs, string newBranchMode, CatalogSyncLog log, CancellationToken cancellationToken)
    {
        const string application = Applications.WordPress;
        var installed = installs.Where(i => i.Application == application && AppVersion.TryParse(i.Version, out _))
            .Select(i => i.Version).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();

        var offers = new List<CoreOffer>();
        IReadOnlyDictionary<string, string> stable;
        try
        {
            offers.AddRange(await source.CoreOffersAsync(null, cancellationToken));
            foreach (var version in installed)
            {
                offers.AddRange(await source.CoreOffersAsync(version, cancellationToken));
            }

            stable = await source.StableCheckAsync(cancellationToken);
        }
        catch (CatalogSourceException e)
        {
            log.Add(new CatalogSyncItem(application, null, SyncOutcomes.Failed, $"The core releases could not be read: {e.Message}"));
            return;
        }

        var published = (await catalog.ListVersionsAsync(application, cancellationToken, fresh: true)).Select(v => v.ParsedVersion).ToList();
        var known = new List<string>(installed);
        foreach (var offer in Distinct(offers))
        {
            var version = AppVersion.Parse(offer.Version!);
            if (published.Contains(version))
            {
                known.Add(version.Text);
                log.Add(new CatalogSyncItem(application, version.Text, SyncOutcomes.Present, $"{application} {version.Text} is already in the catalog."));
            }
            else if (stable.TryGetValue(version.Text, out var status) && status == "insecure")
            {
                log.Add(new CatalogSyncItem(application, version.Text, SyncOutcomes.Rejected, $"The source's stable check marks {application} {version.Text} insecure."));
            }
            else
            {
                log.Add(await ImportAsync(offer, version, newBranchMode, log, cancellationToken));
            }
        }

        await StoreChecksumsAsync(known.Distinct(StringComparer.OrdinalIgnoreCase), log, cancellationToken);
    }

    private async Task<CatalogSyncItem> ImportAsync(CoreOffer offer, AppVersion version, string newBranchMode, CatalogSyncLog log, CancellationToken cancellationToken)
    {
        var candidate = new ReleaseCandidate(Applications.WordPress, version, offer.PackageUrl, CatalogSync.UpgradeRulesFor(version, newBranchMode), new Requirements
        {
            PhpMin = CatalogSync.VersionOrEmpty(offer.PhpVersion),
            // WordPress compares mysql_version with whatever version the database server reports, MariaDB's included.
            MysqlMin = CatalogSync.VersionOrEmpty(offer.MysqlVersion),
            MariadbMin = CatalogSync.VersionOrEmpty(offer.MysqlVersion),
        });

        IReadOnlyDictionary<string, string>? files;
        try
        {
            files = await source.CoreChecksumsAsync(version.Text, cancellationToken);
        }
        catch (CatalogSourceException e)
        {
            return new CatalogSyncItem(candidate.Application, version.Text, SyncOutcomes.Failed, $"The checksums of {candidate.Name} could not be read: {e.Message}");
        }

        if (files is null || files.Count == 0)
        {
            return new CatalogSyncItem(candidate.Application, version.Text, SyncOutcomes.Rejected,
                $"The source publishes no checksums for {candidate.Name}, so its package cannot be verified; nothing was published.");
        }

        var sums = new CoreChecksums(candidate.Application, version.Text, WordPressOrgSource.Locale, files);
        return await importer.ImportAsync(candidate,
            (zip, _, ct) => ReleaseChecks.CoreAsync(zip, files, ct),
            async ct =>
            {
                await checksums.SaveAsync(sums, ct);
                log.ChecksumsStored.Add($"{candidate.Application} {version.Text}");
            },
            cancellationToken);
    }

    /// <summary>Stores the checksums of versions that have none yet (one request each; versions the source has none for are skipped).</summary>
    private async Task StoreChecksumsAsync(IEnumerable<string> versions, CatalogSyncLog log, CancellationToken cancellationToken)
    {
        const string application = Applications.WordPress;
        foreach (var version in versions)
        {
            if (log.ChecksumsStored.Contains($"{application} {version}") || await checksums.ExistsAsync(application, version, cancellationToken))
            {
                continue;
            }

            try
            {
                if (await source.CoreChecksumsAsync(version, cancellationToken) is { Count: > 0 } files)
                {
                    await checksums.SaveAsync(new CoreChecksums(application, version, WordPressOrgSource.Locale, files), cancellationToken);
                    log.ChecksumsStored.Add($"{application} {version}");
                }
            }
            catch (CatalogSourceException e)
            {
                log.Add(new CatalogSyncItem(application, version, SyncOutcomes.Failed, $"The checksums of {application} {version} could not be read: {e.Message}"));
            }
        }
    }

    /// <summary>The offers worth a look: en_US, a release (not a development build), a version; each version once.</summary>
    private static IEnumerable<CoreOffer> Distinct(IEnumerable<CoreOffer> offers) => offers
        .Where(o => o.Locale == WordPressOrgSource.Locale && Responses.Contains(o.Response ?? "") && AppVersion.TryParse(o.Version, out var v) && v.Suffix.Length == 0)
        .GroupBy(o => AppVersion.Parse(o.Version!))
        .Select(g => g.First())
        .OrderBy(o => AppVersion.Parse(o.Version!));
}
