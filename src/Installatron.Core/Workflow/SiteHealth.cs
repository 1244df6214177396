using System.Net.Sockets;
using Installatron.Core.Domain;

namespace Installatron.Core.Workflow;

public static class HealthStates
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Unreachable = "unreachable";
}

/// <summary>What one health check saw.</summary>
public sealed record HealthReport(string State, string Detail);

/// <summary>
/// Requests the install's pages over HTTP: healthy when each answers 2xx without a fatal-error marker. A site that
/// cannot be reached at all (no DNS, connection refused) is "unreachable", which is not a failure by itself: the
/// update compares the state after it with the state before it.
/// </summary>
public sealed class SiteHealth(IHttpClientFactory clients)
{
    public const string ClientName = "site-health";

    /// <summary>The client of the upgrade step, which may run far longer than a page (WordPress's database upgrade on a large site).</summary>
    public const string UpgradeClientName = "site-upgrade";
    private const int MaxBodyChars = 256 * 1024;

    /// <summary>The site's health, by its recipe's pages (<see cref="ApplicationRecipe.HealthPaths"/>) and fatal-error markers.</summary>
    public async Task<HealthReport> CheckAsync(Install install, ApplicationRecipe recipe, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        foreach (var path in recipe.HealthPaths)
        {
            var url = UrlOf(install, path);
            try
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var body = await ReadStartAsync(response, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return new HealthReport(HealthStates.Unhealthy, $"{url} answered {(int)response.StatusCode}.");
                }

                if (recipe.FatalMarkers.FirstOrDefault(marker => body.Contains(marker, StringComparison.OrdinalIgnoreCase)) is { } marker)
                {
                    return new HealthReport(HealthStates.Unhealthy, $"{url} shows \"{marker}\".");
                }
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
            {
                return new HealthReport(HealthStates.Unreachable, $"{url} cannot be reached ({e.HttpRequestError}).");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HealthReport(HealthStates.Unhealthy, $"{url} did not answer in time.");
            }
        }

        return new HealthReport(HealthStates.Healthy, $"{string.Join(", ", recipe.HealthPaths.Select(p => "/" + p))} answered 2xx without errors.");
    }

    /// <summary>Runs the application's post-update step (WordPress: <c>wp-admin/upgrade.php?step=1</c>, its database upgrade).</summary>
    public async Task RunUpgradeStepAsync(Install install, ApplicationRecipe recipe, CancellationToken cancellationToken)
    {
        if (recipe.UpgradePath is not { } path)
        {
            return;
        }

        // A busy site may not take the connection at once: the database upgrade is worth two more tries.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await clients.CreateClient(UpgradeClientName).GetAsync(UrlOf(install, path), cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < 3 && e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }

    private static string UrlOf(Install install, string path) => install.Url.TrimEnd('/') + "/" + path;

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read);
    }
}
