using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Installatron.Core.Domain;

namespace Installatron.Core.Storage;

/// <summary>
/// The application catalog: one row per published version (partition = application ID) and its package in the
/// packages container. Packages are stored under a name that includes their SHA-256, so a blob is never overwritten.
/// Versions are only ever added, so the lists are cached in memory: a publish through this store (an upload or the
/// catalog sync) drops its application's list at once; a version published by another server or instance shows here
/// within <see cref="CacheLifetime"/>, and a caller that needs a version the cached list lacks reads again
/// (<see cref="FindVersionAsync"/>).
/// </summary>
public sealed class CatalogStore(InstallatronTables tables, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, CachedList> _cache = new(StringComparer.Ordinal);

    /// <summary>The versions of an application, newest first; from the cache unless <paramref name="fresh"/>.</summary>
    public Task<IReadOnlyList<CatalogVersion>> ListVersionsAsync(string application, CancellationToken cancellationToken, bool fresh = false)
    {
        var now = time.GetTimestamp();
        if (!fresh && _cache.TryGetValue(application, out var cached) && cached.IsUsable(now, time))
        {
            return cached.Versions;
        }

        // One read for every caller at the same moment; a failed read is not kept.
        var read = ReadVersionsAsync(application, CancellationToken.None);
        _cache[application] = new CachedList(read, now);
        return read.WaitAsync(cancellationToken);
    }

    /// <summary>A version of an application: from the cached list, else read again (it may have been published elsewhere a moment ago).</summary>
    public async Task<CatalogVersion?> FindVersionAsync(string application, string version, CancellationToken cancellationToken) =>
        (await ListVersionsAsync(application, cancellationToken)).FirstOrDefault(v => v.Version == version)
        ?? (await ListVersionsAsync(application, cancellationToken, fresh: true)).FirstOrDefault(v => v.Version == version);

    private async Task<IReadOnlyList<CatalogVersion>> ReadVersionsAsync(string application, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {application}");
        var versions = new List<CatalogVersion>();
        await foreach (var entity in tables.Versions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            versions.Add(DocumentEntity.Read<CatalogVersion>(entity).Value);
        }

        return versions.OrderByDescending(v => v.ParsedVersion).ToList();
    }

    public async Task<CatalogVersion?> GetVersionAsync(string application, string version, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return (await tables.Versions.GetAsync<CatalogVersion>(application, RowKeyOf(version), cancellationToken))?.Value;
    }

    public static string BlobNameFor(string application, string version, string sha256) => $"{application}/{version}/{sha256}.zip";

    /// <summary>Uploads the package, then records the version; refuses a version that is already published.</summary>
    public async Task PublishAsync(CatalogVersion version, Stream package, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        if (await GetVersionAsync(version.Application, version.Version, cancellationToken) is not null)
        {
            throw VersionExists(version);
        }

        var blob = tables.Packages.GetBlobClient(version.Package.Blob);
        await blob.UploadAsync(package, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" },
            Metadata = new Dictionary<string, string> { ["sha256"] = version.Package.Sha256 },
        }, cancellationToken);

        var entity = DocumentEntity.Create(version.Application, RowKeyOf(version.Version), version);
        try
        {
            await tables.Versions.AddAsync(entity, VersionExists(version), cancellationToken);
        }
        finally
        {
            _cache.TryRemove(version.Application, out _);
        }
    }

    /// <summary>Proves a version's package is there and is the one published (<c>dryrun=all</c>).</summary>
    public async Task ProbePackageAsync(CatalogVersion version, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await tables.Packages.GetBlobClient(version.Package.Blob).GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength != version.Package.Size)
            {
                throw new Refusal(ErrorCodes.FailedFilesystemHost, null, $"The package of {version.Application} {version.Version} has the wrong size.");
            }
        }
        catch (Azure.RequestFailedException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemHost, null,
                $"The package of {version.Application} {version.Version} cannot be read: {e.ErrorCode ?? e.Status.ToString()}.");
        }
    }

    /// <summary>A version's package as stored (this machine's verified copy is <see cref="Workflow.PackageCache"/>'s).</summary>
    public async Task<Stream> OpenPackageAsync(CatalogVersion version, CancellationToken cancellationToken) =>
        await tables.Packages.GetBlobClient(version.Package.Blob).OpenReadAsync(cancellationToken: cancellationToken);

    private sealed record CachedList(Task<IReadOnlyList<CatalogVersion>> Versions, long ReadAt)
    {
        public bool IsUsable(long now, TimeProvider time) =>
            !Versions.IsFaulted && !Versions.IsCanceled && time.GetElapsedTime(ReadAt, now) < CacheLifetime;
    }

    /// <summary>The recipe stored for an application (partition <c>~recipes</c>, which no application ID can be), if any.</summary>
    public async Task<ApplicationRecipe?> GetRecipeAsync(string application, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        return (await tables.Versions.GetAsync<ApplicationRecipe>(RecipePartition, application, cancellationToken))?.Value;
    }

    /// <summary>Every recipe stored, by application.</summary>
    public async Task<IReadOnlyDictionary<string, ApplicationRecipe>> ListRecipesAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        var recipes = new Dictionary<string, ApplicationRecipe>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RecipePartition}");
        await foreach (var entity in tables.Versions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            recipes[entity.RowKey] = DocumentEntity.Read<ApplicationRecipe>(entity).Value;
        }

        return recipes;
    }

    /// <summary>Stores (or replaces) an application's recipe.</summary>
    public async Task SaveRecipeAsync(string application, ApplicationRecipe recipe, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync();
        await tables.Versions.UpsertEntityAsync(DocumentEntity.Create(RecipePartition, application, recipe), TableUpdateMode.Replace, cancellationToken);
    }

    private const string RecipePartition = "~recipes";

    private static string RowKeyOf(string version) => version.ToLowerInvariant();

    private static Refusal VersionExists(CatalogVersion version) =>
        new(ErrorCodes.VersionExists, "version", $"{version.Application} {version.Version} is already published.");
}
