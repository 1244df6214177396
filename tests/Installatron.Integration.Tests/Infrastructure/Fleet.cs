using System.Text.Json;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// Many small WordPress-shaped sites for rollout tests: copies of the demo site (6.7.2) in the demo user's
/// <c>public_html/site{N}</c>, each an install like the demo's (autoup minor, backup and revert), added through the store.
/// </summary>
public static class Fleet
{
    /// <summary>Adds <paramref name="count"/> sites; <paramref name="urlOf"/> gives each site's URL from its folder name.</summary>
    public static async Task<IReadOnlyList<Install>> AddSitesAsync(IServiceProvider services, string dataPath, int count, Func<string, string>? urlOf = null)
    {
        var store = services.GetRequiredService<InstallStore>();
        var seed = (await store.GetAsync(DemoData.InstallId, CancellationToken.None))!.Value;
        var publicHtml = Path.Combine(dataPath, "demo", "home", DemoData.User, "public_html");
        var added = new List<Install>();
        for (var i = 0; i < count; i++)
        {
            var folder = $"site{i:D3}";
            var url = urlOf?.Invoke(folder) ?? $"http://{DemoData.Domain}/{folder}";
            var path = Path.Combine(publicHtml, folder);
            DemoWordPress.WriteSite(path, "6.7.2", url);
            var install = seed with { Id = $"fleet{i:D3}{Guid.NewGuid():N}"[..25], Path = path, Url = url, Failures = [] };
            await store.AddAsync(install, CancellationToken.None);
            added.Add(install);
        }

        return added;
    }

    /// <summary>Publishes a WordPress version whose front page dies with a PHP parse error: every health check after it fails.</summary>
    public static async Task PublishBrokenAsync(IServiceProvider services, string version)
    {
        using var package = DemoWordPress.BrokenPackage(version);
        await services.GetRequiredService<VersionPublisher>().PublishAsync(
            new VersionDraft(Applications.WordPress, AppVersion.Parse(version), null, [UpgradeRule.AutoFromAnything], new Requirements()),
            package, CancellationToken.None);
    }

    /// <summary>Polls <c>GET /rollouts/{id}</c> until <paramref name="done"/> says so.</summary>
    public static async Task<JsonElement> WaitForRolloutAsync(ApiServer server, string id, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement rollout = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await server.GetAsync($"/rollouts/{id}");
            if (response.HttpStatus == 200)
            {
                rollout = response.Data.Clone();
                if (done(rollout))
                {
                    return rollout;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The rollout {id} did not get there in {timeout}: {rollout}");
    }

    public static string Status(this JsonElement rollout) => rollout.GetProperty("status").GetString()!;

    public static int Int(this JsonElement element, string name) => element.GetProperty(name).GetInt32();
}
