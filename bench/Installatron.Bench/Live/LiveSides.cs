using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Bench.Live;

/// <summary>One measured update: its wall time and the parts it took (a command by hand, a step of the task).</summary>
public sealed record LiveRun(string Side, int Round, double Seconds, IReadOnlyList<(string Part, double Seconds)> Parts);

/// <summary>The two sides of bench/live.sh on the live site: the update by hand, and the product's update through the server.</summary>
public sealed class LiveSides(LiveSite site, HttpClient server, string installId, string unrootedPackage, string work)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// <c>tar czf</c> of the site + <c>mariadb-dump</c> of its database + <c>unzip -o</c> of the new release over the site
    /// + GET <c>wp-admin/upgrade.php?step=1</c> + GET of the front page, one after the other as a person types them.
    /// </summary>
    public async Task<LiveRun> ByHandAsync(int round)
    {
        var hand = Path.Combine(work, "hand");
        Directory.CreateDirectory(hand);
        var wordpress = site.WordPress;
        var parts = new List<(string, double)>();
        var total = Stopwatch.StartNew();
        await TimedAsync(parts, "tar czf", () => LiveSite.RunAsync("tar", "czf", Path.Combine(hand, "site.tar.gz"), "-C", wordpress.Root, "public_html"));
        await TimedAsync(parts, "mariadb-dump", () => site.ShellAsync($"mariadb-dump --single-transaction {site.DatabaseArguments} > '{Path.Combine(hand, "site.sql")}'"));
        await TimedAsync(parts, "unzip -o", () => LiveSite.RunAsync("unzip", "-o", "-q", unrootedPackage, "-d", wordpress.SitePath));
        await TimedAsync(parts, "GET upgrade.php?step=1", () => GetAsync(wordpress.Url + "/wp-admin/upgrade.php?step=1"));
        string front = "";
        await TimedAsync(parts, "GET /", async () => front = await GetAsync(wordpress.Url + "/"));
        total.Stop();
        await CheckUpdatedAsync(front);
        Directory.Delete(hand, recursive: true);
        return new LiveRun("by hand", round, total.Elapsed.TotalSeconds, parts);
    }

    /// <summary>POST /installs/{id}/update with revert=true (a verified backup first), answered when the task is complete.</summary>
    public async Task<LiveRun> ProductAsync(string side, int round)
    {
        var total = Stopwatch.StartNew();
        using var response = await server.PostAsJsonAsync($"/installs/{installId}/update", new { version = LiveWordPressReleases.Next, revert = true });
        var body = await response.Content.ReadAsStringAsync();
        total.Stop();
        if (!response.IsSuccessStatusCode || !JsonDocument.Parse(body).RootElement.GetProperty("result").GetBoolean())
        {
            throw new InvalidOperationException($"The update failed ({(int)response.StatusCode}): {body}");
        }

        await CheckUpdatedAsync(await GetAsync(site.WordPress.Url + "/"));
        var tasks = JsonDocument.Parse(await server.GetStringAsync($"/tasks?install={installId}")).RootElement.GetProperty("data").GetProperty("tasks");
        var task = tasks.EnumerateArray().MaxBy(t => t.GetProperty("time_created").GetInt64());
        var steps = task.GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("step").GetString()!, s.GetProperty("duration_ms").GetInt64() / 1000.0)).ToList();
        return new LiveRun(side, round, total.Elapsed.TotalSeconds, steps);
    }

    /// <summary>The site says it runs the new release, and its database upgrade ran.</summary>
    private async Task CheckUpdatedAsync(string front)
    {
        if (!front.Contains($"content=\"WordPress {LiveWordPressReleases.Next}\"", StringComparison.Ordinal)
            || !front.Contains(LiveWordPress.Title, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The front page does not show the new version:\n" + front[..Math.Min(front.Length, 2000)]);
        }

        var version = await File.ReadAllTextAsync(Path.Combine(site.WordPress.SitePath, "wp-includes", "version.php"));
        var dbVersion = await site.WordPress.DbVersionAsync();
        if (!version.Contains($"$wp_version = '{LiveWordPressReleases.Next}';", StringComparison.Ordinal) || dbVersion != LiveWordPressReleases.NextDbVersion)
        {
            throw new InvalidOperationException($"Not updated: version.php or db_version ({dbVersion}) is not {LiveWordPressReleases.Next}'s.");
        }

    }

    private static async Task<string> GetAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}\n{text}");
    }

    private static async Task TimedAsync(List<(string, double)> parts, string part, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        parts.Add((part, watch.Elapsed.TotalSeconds));
    }
}
