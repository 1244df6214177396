using System.Security.Cryptography;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;

namespace Installatron.Core.Catalog;

/// <summary>
/// Publishes an application version, however it arrives (an upload, the catalog sync): checks the package (a zip
/// whose entries all stay inside the site, shaped as its application ships it), hashes it while spooling it to a
/// temporary file (never to memory), then stores both.
/// </summary>
public sealed class VersionPublisher(CatalogStore catalog, RecipeBook recipes, TimeProvider time)
{
    public const long MaxPackageBytes = 512L * 1024 * 1024;

    /// <summary>Publishes a checked draft with its package, read once from <paramref name="package"/>.</summary>
    public async Task<CatalogVersion> PublishAsync(VersionDraft draft, Stream package, CancellationToken cancellationToken)
    {
        var existing = await catalog.ListVersionsAsync(draft.Application, cancellationToken, fresh: true);
        if (existing.FirstOrDefault(v => v.ParsedVersion.Equals(draft.Version)) is { } same)
        {
            throw new Refusal(ErrorCodes.VersionExists, "version", $"{draft.Application} {same.Version} is already published.");
        }

        var spool = Path.Combine(Path.GetTempPath(), $"installatron-package-{Guid.NewGuid():N}.zip");
        try
        {
            string sha256;
            long size = 0;
            await using (var target = File.Create(spool))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await package.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > MaxPackageBytes)
                    {
                        throw Refusal.InvalidArgument("package", $"must be a zip file of at most {MaxPackageBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var (entries, uncompressed) = await CountSafeEntriesAsync(spool, cancellationToken);
            var layout = PackageLayoutCheck.Check(draft, await recipes.ShapeOfAsync(draft.Application, cancellationToken), spool);
            var published = new CatalogVersion
            {
                Application = draft.Application,
                Version = draft.Version.Text,
                Branch = draft.Branch ?? draft.Version.DefaultBranch,
                UpgradeFrom = draft.UpgradeFrom,
                Requirements = draft.Requirements,
                Package = new PackageInfo(CatalogStore.BlobNameFor(draft.Application, draft.Version.Text, sha256), size, sha256, entries, uncompressed, layout),
                TimePublished = time.GetUtcNow().ToUnixTimeSeconds(),
            };

            await using var upload = File.OpenRead(spool);
            await catalog.PublishAsync(published, upload, cancellationToken);
            return published;
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>
    /// The number of entries and their unpacked size, after checking the zip with the same rules the apply step
    /// enforces (<see cref="SitePackage"/>): a version that is published can be installed.
    /// </summary>
    private static async Task<(long Entries, long UncompressedSize)> CountSafeEntriesAsync(string zipPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var package = await SitePackage.OpenAsync(zipPath, "", cancellationToken, displayName: "The package");
            return (package.ZipEntryCount, package.UncompressedSize);
        }
        catch (InvalidPackageException e)
        {
            throw new Refusal(ErrorCodes.InvalidArgument("package"), "package", e.Message);
        }
    }
}

/// <summary>A version about to be published: everything but its package.</summary>
public sealed record VersionDraft(
    string Application, AppVersion Version, string? Branch, IReadOnlyList<UpgradeRule> UpgradeFrom, Requirements Requirements);
