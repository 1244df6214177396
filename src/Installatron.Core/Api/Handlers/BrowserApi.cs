using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary><c>GET /browser/{app}</c> (the catalog of an application) and publishing a version with its package.</summary>
public sealed class BrowserApi(ApiGuard guard, CatalogStore catalog, VersionPublisher publisher, RecipeBook recipes)
{
    public Task<ApiResult> GetAsync(HttpRequest request, string application, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["from"]);
            var fromText = fields.String("from");
            AppVersion? from = null;
            if (fromText is not null && !AppVersion.TryParse(fromText, out from))
            {
                throw RequestFields.Invalid("from", "must be a version such as 6.7.2");
            }

            var versions = Ids.IsValidApplicationId(application) ? await catalog.ListVersionsAsync(application, cancellationToken) : [];
            if (versions.Count == 0)
            {
                throw new Refusal(ErrorCodes.ApplicationNotFound, null, $"The application '{application}' is not in the catalog.");
            }

            return ApiResult.Success(new BrowserData(application, from?.Text,
                versions.Select(v => BrowserVersion.From(v, from)).ToList(), await recipes.ForAsync(application, cancellationToken)));
        });

    /// <summary>
    /// <c>POST /browser/{app}/recipe</c>: stores the application's recipe (a JSON object with the fields of
    /// <see cref="ApplicationRecipe"/>; fields left out take their defaults), which every later update, publish and
    /// import of the application follows.
    /// </summary>
    public Task<ApiResult> SetRecipeAsync(HttpRequest request, string application, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            if (!Ids.IsValidApplicationId(application))
            {
                throw RequestFields.Invalid("application", "must be 1 to 80 lowercase letters, digits, '-' or '_'");
            }

            var recipe = RecipeRequest.Read(await RequestFields.ReadAsync(request, cancellationToken));
            RecipeCheck.Check(recipe);
            await recipes.SaveAsync(application, recipe, cancellationToken);
            return ApiResult.Success(recipe, $"The recipe of {application} was stored.\n");
        });

    /// <summary><c>POST /browser/{app}/versions</c>: multipart form with <c>version</c>, optional <c>branch</c>,
    /// <c>upgrade_from</c> and <c>requirements</c> (JSON), and the <c>package</c> zip file.</summary>
    public Task<ApiResult> PublishAsync(HttpRequest request, string application, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var (draft, file) = await PublishRequest.ReadAsync(application, request, cancellationToken);
            await using var package = file.OpenReadStream();
            var published = await publisher.PublishAsync(draft, package, cancellationToken);
            return ApiResult.Success(BrowserVersion.From(published, null), $"{application} {published.Version} was published.\n", 201);
        });
}

public sealed record BrowserData(string Id, string? From, IReadOnlyList<BrowserVersion> Versions, ApplicationRecipe Recipe);

/// <summary>A catalog version as <c>GET /browser/{app}</c> shows it; <c>upgrade_from</c> is relative to <c>from</c> when given.</summary>
public sealed record BrowserVersion(
    string Version,
    string Branch,
    string? UpgradeFrom,
    IReadOnlyList<UpgradeRule> UpgradeFromRules,
    Requirements Requirements,
    BrowserPackage Package,
    long TimePublished)
{
    public static BrowserVersion From(CatalogVersion version, AppVersion? from) => new(
        version.Version,
        version.Branch,
        from is null ? null : UpdatePolicy.ModeFor(version, from),
        version.UpgradeFrom,
        version.Requirements,
        new BrowserPackage(version.Package.Size, version.Package.Sha256, version.Package.Entries, version.Package.Layout),
        version.TimePublished);
}

/// <summary>A version's package: size, SHA-256, entries, and the layout publishing found (where its files sit, the version it says it is).</summary>
public sealed record BrowserPackage(long Size, string Sha256, long Entries, PackageLayout? Layout);
