using System.Security.Cryptography;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api;

/// <summary>
/// Publishes an application version: checks the metadata and the package (a zip whose entries all stay inside
/// the site), hashes it while spooling it to a temporary file (never to memory), then stores both.
/// </summary>
public sealed class VersionPublisher(CatalogStore catalog, TimeProvider time)
{
    public const long MaxPackageBytes = 512L * 1024 * 1024;

    private static readonly IReadOnlyList<string> Parameters = ["version", "branch", "upgrade_from", "requirements", "package"];

    public async Task<CatalogVersion> PublishAsync(string application, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Ids.IsValidApplicationId(application))
        {
            throw RequestFields.Invalid("application", "must be 1 to 80 lowercase letters, digits, '-' or '_'");
        }

        if (!request.HasFormContentType)
        {
            throw new ApiRefusal(ErrorCodes.InvalidRequestBody, null,
                "Publish a version as multipart/form-data with the fields version, branch, upgrade_from, requirements and the file package.");
        }

        var fields = await RequestFields.ReadAsync(request, cancellationToken);
        fields.RejectUnknown(Parameters);
        var versionText = fields.RequiredString("version");
        if (!AppVersion.TryParse(versionText, out var version))
        {
            throw new ApiRefusal(ErrorCodes.InvalidArgumentVersion, "version", $"'{versionText}' is not a version.");
        }

        var rules = fields.Json<List<UpgradeRule>>("upgrade_from") ?? [UpgradeRule.AutoFromAnything];
        if (rules.Any(r => r is null || !AppVersion.IsValidPattern(r.From ?? "") || !UpgradeModes.Rules.Contains(r.Mode)))
        {
            throw RequestFields.Invalid("upgrade_from",
                "must be a JSON array of {\"from\": \"*\" | \"6.*\" | \"6.7.2\", \"mode\": \"auto\" | \"manual\"}");
        }

        var requirements = fields.Json<Requirements>("requirements") ?? new Requirements();
        if (new[] { requirements.PhpMin, requirements.PhpMax, requirements.MysqlMin, requirements.MariadbMin }
            .Any(v => v is null || (v.Length > 0 && !AppVersion.TryParse(v, out _))))
        {
            throw RequestFields.Invalid("requirements", "must be a JSON object of versions: php_min, php_max, mysql_min, mariadb_min");
        }

        var file = fields.Files?.GetFile("package")
            ?? throw RequestFields.Invalid("package", "is required: the version's zip package as a file part");
        if (file.Length == 0 || file.Length > MaxPackageBytes)
        {
            throw RequestFields.Invalid("package", $"must be a zip file of 1 byte to {MaxPackageBytes} bytes");
        }

        await using var package = file.OpenReadStream();
        return await PublishAsync(new VersionDraft(application, version, fields.String("branch"), rules, requirements), package, cancellationToken);
    }

    /// <summary>Publishes a checked draft with its package, read once from <paramref name="package"/>.</summary>
    public async Task<CatalogVersion> PublishAsync(VersionDraft draft, Stream package, CancellationToken cancellationToken)
    {
        var existing = await catalog.ListVersionsAsync(draft.Application, cancellationToken);
        if (existing.FirstOrDefault(v => v.ParsedVersion.Equals(draft.Version)) is { } same)
        {
            throw new ApiRefusal(ErrorCodes.VersionExists, "version", $"{draft.Application} {same.Version} is already published.");
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
                        throw RequestFields.Invalid("package", $"must be a zip file of at most {MaxPackageBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var (entries, uncompressed) = await CountSafeEntriesAsync(spool, cancellationToken);
            var layout = PackageLayoutCheck.Check(draft, spool);
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
            throw new ApiRefusal(ErrorCodes.InvalidArgument("package"), "package", e.Message);
        }
    }
}

/// <summary>A version about to be published: everything but its package.</summary>
public sealed record VersionDraft(
    string Application, AppVersion Version, string? Branch, IReadOnlyList<UpgradeRule> UpgradeFrom, Requirements Requirements);
