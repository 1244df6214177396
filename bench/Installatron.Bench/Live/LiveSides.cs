using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Bench.Live;

/// <summary>One measured update: its wall time and the parts it took (a command by hand, a step of the task).</summary>
public sealed record LiveRun(string Side, int Round, double Seconds, IReadOnlyList<(string Part, double Seconds)> Parts)
{
    /// <summary>The product's task (its ID is also its backup's).</summary>
    public string? TaskId { get; init; }
}

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
        var (seconds, task) = await PostAsync("update", new { version = LiveWordPressReleases.Next, revert = true });
        await CheckUpdatedAsync(await GetAsync(site.WordPress.Url + "/"));
        return new LiveRun(side, round, seconds, StepsOf(task)) { TaskId = task.GetProperty("id").GetString() };
    }

    /// <summary>
    /// POST /installs/{id}/restore of the backup an update took just before (the revert of that update on request),
    /// answered when the task is done; then the site must be the saved one byte for byte, its tables too.
    /// </summary>
    public async Task<LiveRun> RestoreAsync(int round, string backupId)
    {
        var (seconds, task) = await PostAsync("restore", new { backup = backupId });
        if (site.TreeHash() != site.SavedTreeHash || !await site.TablesAsSavedAsync())
        {
            throw new InvalidOperationException("The restore did not give back the saved site byte for byte (files or tables).");
        }

        var front = await GetAsync(site.WordPress.Url + "/");
        if (!front.Contains($"content=\"WordPress {LiveWordPress.Version}\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("After the restore the front page does not show " + LiveWordPress.Version);
        }

        return new LiveRun(LiveBench.Restore, round, seconds, StepsOf(task));
    }

    /// <summary><c>tar xzf</c> of a full archive of the site into an empty folder: what the issue measures a revert against.</summary>
    public async Task<LiveRun> TarExtractAsync(int round, string archive)
    {
        var into = Path.Combine(work, "extracted");
        Directory.CreateDirectory(into);
        var total = Stopwatch.StartNew();
        await LiveSite.RunAsync("tar", "xzf", archive, "-C", into);
        total.Stop();
        Directory.Delete(into, recursive: true);
        return new LiveRun(LiveBench.TarExtract, round, total.Elapsed.TotalSeconds, [("tar xzf", total.Elapsed.TotalSeconds)]);
    }

    /// <summary>A POST to the install answered when its task is done (the wait is the server's); the time and the task.</summary>
    private async Task<(double Seconds, JsonElement Task)> PostAsync(string action, object body)
    {
        var total = Stopwatch.StartNew();
        using var response = await server.PostAsJsonAsync($"/installs/{installId}/{action}", body);
        var text = await response.Content.ReadAsStringAsync();
        total.Stop();
        if (!response.IsSuccessStatusCode || !JsonDocument.Parse(text).RootElement.GetProperty("result").GetBoolean())
        {
            throw new InvalidOperationException($"The {action} failed ({(int)response.StatusCode}): {text}");
        }

        var tasks = JsonDocument.Parse(await server.GetStringAsync($"/tasks?install={installId}")).RootElement.GetProperty("data").GetProperty("tasks");
        return (total.Elapsed.TotalSeconds, tasks.EnumerateArray().MaxBy(t => t.GetProperty("time_created").GetInt64()).Clone());
    }

    private static List<(string, double)> StepsOf(JsonElement task) => task.GetProperty("steps").EnumerateArray()
        .Select(s => (s.GetProperty("step").GetString()!, s.GetProperty("duration_ms").GetInt64() / 1000.0)).ToList();

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
