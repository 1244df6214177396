using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>
/// Two standalone servers on one storage account and one task hub share the work, as Durable Functions instances do;
/// the one that ran more of the update steps is killed with kill -9 in the middle of a rollout and the other finishes every update (it takes over the dead
/// one's partitions once their leases expire, and the work that was in flight once its messages are visible again).
/// </summary>
public sealed class TwoServerTests(ITestOutputHelper output)
{
    private const int Sites = 24;

    [Fact]
    public async Task Rollout_OneOfTwoServersKilledMidway_TheOtherFinishesEveryUpdate()
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        string[] Arguments(bool demoData) => ServerProcess.DurableArguments(azurite.ConnectionString, prefix, dataPath,
            "--Installatron:DemoData", demoData ? "true" : "false",
            "--Installatron:AutoUpdateMinutes", "0",
            "--Installatron:CatalogSourceUrl", "",
            "--Installatron:RolloutCanaryMinimum", "4",
            "--Installatron:RolloutMaxConcurrent", "3",
            "--Installatron:RolloutMaxPerServer", "3",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Installatron.Core.Workflow.Activities", "Information");

        await using var first = ServerProcess.Start(Arguments(demoData: true));
        var firstUrl = await first.Listening.WaitAsync(TimeSpan.FromSeconds(90));
        await using var second = ServerProcess.Start(Arguments(demoData: false));
        var secondUrl = await second.Listening.WaitAsync(TimeSpan.FromSeconds(90));
        await using var stores = CoreServices.For(azurite.ConnectionString, prefix);
        await Fleet.AddSitesAsync(stores, dataPath, Sites - 1);

        using var firstClient = ApiClient.Create(firstUrl, timeout: TimeSpan.FromSeconds(30));
        using var secondClient = ApiClient.Create(secondUrl, timeout: TimeSpan.FromSeconds(30));
        var sweep = await secondClient.PostAsJsonAsync("/rollouts/sweep", new { });
        Assert.Equal(202, (int)sweep.StatusCode);

        // Once a few updates are done, the server that ran more of their steps dies as in a power cut (which one
        // gets the work first is up to the queues).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Complete(await RolloutAsync(secondClient)) < 6 || StepsIn(first.Output) + StepsIn(second.Output) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No progress: {await RolloutAsync(secondClient)}\n{first.Output}\n{second.Output}");
            await Task.Delay(100);
        }

        var killFirst = StepsIn(first.Output) >= StepsIn(second.Output);
        var (dead, survivor, client) = killFirst ? (first, second, secondClient) : (second, first, firstClient);
        var atKill = await RolloutAsync(client);
        var stepsOnDead = StepsIn(dead.Output);
        var stepsOnSurvivorBefore = StepsIn(survivor.Output);
        await dead.KillAsync();
        output.WriteLine($"killed the {(killFirst ? "first" : "second")} server with {Complete(atKill)} of {Sites} complete; update steps run: killed {stepsOnDead}, survivor {stepsOnSurvivorBefore}");
        Assert.NotEqual("complete", atKill.GetProperty("status").GetString());

        var done = atKill;
        deadline = DateTime.UtcNow.AddMinutes(4);
        while (done.GetProperty("status").GetString() != "complete")
        {
            Assert.True(DateTime.UtcNow < deadline, $"The surviving server did not finish the rollout: {done}");
            await Task.Delay(500);
            done = await RolloutAsync(client);
        }

        output.WriteLine($"after the kill: {done}; update steps on the surviving server: {StepsIn(survivor.Output)}");
        Assert.True(StepsIn(survivor.Output) > stepsOnSurvivorBefore);
        var tasks = JsonDocument.Parse(await client.GetStringAsync("/tasks?limit=100")).RootElement.GetProperty("data");
        Assert.Equal(Sites, tasks.GetProperty("total").GetInt32());
        Assert.All(tasks.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("complete", t.GetProperty("status").GetString()));

        // The rollout's counts are those of the tasks, in total and wave by wave, although turns ran twice on two servers.
        var completed = tasks.GetProperty("tasks").EnumerateArray().Count(t => t.GetProperty("status").GetString() == "complete");
        Assert.Equal((Sites, completed, 0, 0, 0), (Count(done, "started"), Count(done, "complete"), Count(done, "reverted"), Count(done, "failed"), Count(done, "skipped")));
        var waves = done.GetProperty("waves").EnumerateArray().ToList();
        Assert.Equal(completed, waves.Sum(w => Count(w, "complete")));
        Assert.All(waves, w => Assert.Equal((Count(w, "size"), Count(w, "size")), (Count(w, "started"), Count(w, "complete"))));
        foreach (var install in await stores.GetRequiredService<InstallStore>().ListAsync(null, CancellationToken.None))
        {
            Assert.Equal("6.7.3", install.Version);
            Assert.Contains("'6.7.3'", await File.ReadAllTextAsync(Path.Combine(install.Path, "wp-includes", "version.php")));
        }

        Directory.Delete(dataPath, recursive: true);
    }

    private static async Task<JsonElement> RolloutAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/rollouts/wordpress-6.7.3");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("data").ValueKind == JsonValueKind.Object ? body.GetProperty("data").Clone() : JsonDocument.Parse("""{"complete": 0, "status": "none"}""").RootElement;
    }

    private static int Complete(JsonElement rollout) => Count(rollout, "complete");

    private static int Count(JsonElement counts, string name) => counts.GetProperty(name).GetInt32();

    /// <summary>Update steps a server ran, from its log.</summary>
    private static int StepsIn(string log) => log.Split('\n').Count(line => line.Contains("Update step", StringComparison.Ordinal) && line.Contains("ended", StringComparison.Ordinal));
}
