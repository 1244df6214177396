using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Catalog;

/// <summary>
/// WordPress plugins and themes from the source: for each slug followed, the current release its information (1.2)
/// names, published as <c>wp-plugin-{slug}</c> / <c>wp-theme-{slug}</c> with its PHP minimum. A plugin zip is checked
/// against the per-file checksums its download host publishes (<c>/plugin-checksums/{slug}/{version}.json</c>) when it
/// publishes them; WordPress.org publishes none for themes, so a theme zip is checked only against a <c>.sha1</c>.
/// </summary>
public sealed class ComponentReleases(WordPressOrgSource source, CatalogStore catalog, ReleaseImporter importer, RecipeBook recipes)
{
    public async Task SyncAsync(string kind, IEnumerable<string> slugs, string newBranchMode, CatalogSyncLog log, CancellationToken cancellationToken)
    {
        // The catalog names a component's application as WordPress's recipe says (wp-plugin-{slug}, wp-theme-{slug}).
        var prefix = (await recipes.ForAsync(Applications.WordPress, cancellationToken)).Component(kind)?.ApplicationPrefix ?? $"wp-{kind}-";
        foreach (var slug in slugs)
        {
            var application = prefix + slug;
            if (!Ids.IsValidApplicationId(application))
            {
                log.Add(new CatalogSyncItem(application, null, SyncOutcomes.NotFound, $"'{slug}' is not a {kind} slug the catalog can hold."));
                continue;
            }

            log.Add(await SyncOneAsync(kind, slug, application, newBranchMode, cancellationToken));
        }
    }

    private async Task<CatalogSyncItem> SyncOneAsync(string kind, string slug, string application, string newBranchMode, CancellationToken cancellationToken)
    {
        ComponentInformation? info;
        try
        {
            info = kind == "plugin" ? await source.PluginAsync(slug, cancellationToken) : await source.ThemeAsync(slug, cancellationToken);
        }
        catch (CatalogSourceException e)
        {
            return new CatalogSyncItem(application, null, SyncOutcomes.Failed, $"The {kind} '{slug}' could not be looked up: {e.Message}");
        }

        if (info is null)
        {
            return new CatalogSyncItem(application, null, SyncOutcomes.NotFound, $"The source has no {kind} '{slug}'.");
        }

        if (!AppVersion.TryParse(info.Version, out var version))
        {
            return new CatalogSyncItem(application, info.Version, SyncOutcomes.Rejected, $"The source gives the {kind} '{slug}' the version '{info.Version}', which is not a version.");
        }

        if ((await catalog.ListVersionsAsync(application, cancellationToken, fresh: true)).Any(v => v.ParsedVersion.Equals(version)))
        {
            return new CatalogSyncItem(application, version.Text, SyncOutcomes.Present, $"{application} {version.Text} is already in the catalog.");
        }

        var candidate = new ReleaseCandidate(application, version, info.DownloadLink, CatalogSync.UpgradeRulesFor(version, newBranchMode),
            new Requirements { PhpMin = CatalogSync.VersionOrEmpty(info.RequiresPhp) });
        return await importer.ImportAsync(candidate, kind == "plugin" ? PluginCheck(slug, version) : NoFileChecksums, null, cancellationToken);
    }

    private ReleaseCheck PluginCheck(string slug, AppVersion version) => async (zip, uri, ct) =>
        await source.PluginChecksumsAsync(uri, slug, version.Text, ct) is { Count: > 0 } files
            ? await ReleaseChecks.PluginAsync(zip, slug, files, ct)
            : [];

    private static Task<IReadOnlyList<string>> NoFileChecksums(string zip, Uri uri, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
}
