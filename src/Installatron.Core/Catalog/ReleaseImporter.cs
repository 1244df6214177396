using Installatron.Core.Api;
using Installatron.Core.Domain;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Catalog;

/// <summary>A release the source offers and the catalog lacks: what to publish, and where its zip is.</summary>
public sealed record ReleaseCandidate(string Application, AppVersion Version, string? PackageUrl, IReadOnlyList<UpgradeRule> UpgradeFrom, Requirements Requirements)
{
    public string Name => $"{Application} {Version.Text}";
}

/// <summary>Checks a downloaded zip (its temporary path, and the URL it came from); returns the problems found.</summary>
public delegate Task<IReadOnlyList<string>> ReleaseCheck(string zipPath, Uri zipUri, CancellationToken cancellationToken);

/// <summary>
/// Brings one release into the catalog: downloads its zip once into a temporary file (never into memory), checks it
/// against the <c>.sha1</c> its download server publishes (when there is one) and against the release's own
/// checksums, then publishes it through <see cref="VersionPublisher"/> — the one publish path, with every check a manual
/// publish gets. A release that fails a check is rejected and nothing of it is stored.
/// </summary>
public sealed partial class ReleaseImporter(WordPressOrgSource source, VersionPublisher publisher, ILogger<ReleaseImporter> logger)
{
    /// <param name="check">The release's own checksums (core: per-file md5; plugins: per-file SHA-256).</param>
    /// <param name="beforePublish">Runs once the package has passed every check, before it is published.</param>
    public async Task<CatalogSyncItem> ImportAsync(
        ReleaseCandidate candidate, ReleaseCheck check, Func<CancellationToken, Task>? beforePublish, CancellationToken cancellationToken)
    {
        var spool = Path.Combine(Path.GetTempPath(), $"installatron-release-{Guid.NewGuid():N}.zip");
        try
        {
            var zip = source.DownloadUri(candidate.PackageUrl, candidate.Name);
            var size = await source.DownloadAsync(zip, spool, VersionPublisher.MaxPackageBytes, cancellationToken);
            var problems = new List<string>();
            if (await source.ZipSha1Async(zip, cancellationToken) is { } published && published != await ReleaseChecks.Sha1Async(spool, cancellationToken))
            {
                problems.Add($"the zip's SHA-1 is not the {published} its download server publishes");
            }

            problems.AddRange(await check(spool, zip, cancellationToken));
            if (problems.Count > 0)
            {
                LogRejected(logger, candidate.Application, candidate.Version.Text, problems.Count);
                return Item(candidate, SyncOutcomes.Rejected,
                    $"{candidate.Name} from {zip} does not match the source's checksums, so nothing was published: " +
                    string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more." : "."));
            }

            if (beforePublish is not null)
            {
                await beforePublish(cancellationToken);
            }

            await using (var package = File.OpenRead(spool))
            {
                await publisher.PublishAsync(
                    new VersionDraft(candidate.Application, candidate.Version, null, candidate.UpgradeFrom, candidate.Requirements), package, cancellationToken);
            }

            LogAdded(logger, candidate.Application, candidate.Version.Text, size);
            return Item(candidate, SyncOutcomes.Added, $"{candidate.Name} was published from {zip} ({size:N0} bytes), checked against the source's checksums.");
        }
        catch (Refusal refusal) when (refusal.Errcode == ErrorCodes.VersionExists)
        {
            // Published meanwhile (another sync, or by hand).
            return Item(candidate, SyncOutcomes.Present, refusal.Message);
        }
        catch (Refusal refusal)
        {
            LogRejected(logger, candidate.Application, candidate.Version.Text, 1);
            return Item(candidate, SyncOutcomes.Rejected, $"{candidate.Name} was refused by the publisher: {refusal.Message}");
        }
        catch (Exception e) when (e is CatalogSourceException or IOException or HttpRequestException)
        {
            LogFailed(logger, e, candidate.Application, candidate.Version.Text);
            return Item(candidate, SyncOutcomes.Failed, $"{candidate.Name} could not be fetched this time: {e.Message}");
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static CatalogSyncItem Item(ReleaseCandidate candidate, string outcome, string message) =>
        new(candidate.Application, candidate.Version.Text, outcome, message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog sync: {Application} {Version} added ({Bytes} bytes)")]
    private static partial void LogAdded(ILogger logger, string application, string version, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog sync: {Application} {Version} rejected ({Problems} problem(s) against the source's checksums)")]
    private static partial void LogRejected(ILogger logger, string application, string version, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog sync: {Application} {Version} could not be fetched")]
    private static partial void LogFailed(ILogger logger, Exception exception, string application, string version);
}
