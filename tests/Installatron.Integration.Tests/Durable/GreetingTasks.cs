using System.Collections.Concurrent;
using Microsoft.DurableTask;

namespace Installatron.Integration.Tests.Durable;

/// <summary>Three activities in a row.</summary>
public sealed class GreetingChain : TaskOrchestrator<string, string[]>
{
    public static readonly string[] Cities = ["Tokyo", "Seattle", "London"];

    public override async Task<string[]> RunAsync(TaskOrchestrationContext context, string name)
    {
        var greetings = new List<string>();
        foreach (var city in Cities)
        {
            greetings.Add(await context.CallActivityAsync<string>(nameof(SayHello), $"{name} in {city}"));
        }

        return [.. greetings];
    }
}

public sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string who) => Task.FromResult($"Hello, {who}!");
}

/// <summary>Runs <see cref="GreetingChain"/> as a sub-orchestration, with tags, and joins its greetings.</summary>
public sealed class GreetingParent : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string name)
    {
        var options = new SubOrchestrationOptions
        {
            InstanceId = ChildId(context.InstanceId),
            Tags = new Dictionary<string, string> { ["purpose"] = "test" },
        };
        var greetings = await context.CallSubOrchestratorAsync<string[]>(nameof(GreetingChain), name, options);
        return string.Join(" | ", greetings);
    }

    public static string ChildId(string parentId) => parentId + "-child";
}

/// <summary>One activity that takes <see cref="SlowActivity.Duration"/>.</summary>
public sealed class SlowOrchestration : TaskOrchestrator<string, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, string key) => context.CallActivityAsync<int>(nameof(SlowActivity), key);
}

/// <summary>Sleeps, and counts its runs per key.</summary>
public sealed class SlowActivity : TaskActivity<string, int>
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(7);

    public static readonly ConcurrentDictionary<string, int> Runs = new();

    public override async Task<int> RunAsync(TaskActivityContext context, string key)
    {
        Runs.AddOrUpdate(key, 1, (_, runs) => runs + 1);
        await Task.Delay(Duration);
        return Runs[key];
    }
}
