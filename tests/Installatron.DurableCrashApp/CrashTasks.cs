using Microsoft.DurableTask;

namespace Installatron.DurableCrashApp;

public sealed record CrashInput(string LogFile);

public sealed record StepInput(string LogFile, string Step);

/// <summary>Three activities whose effects are lines in a file; the middle one takes a few seconds.</summary>
public sealed class CrashOrchestration : TaskOrchestrator<CrashInput, string[]>
{
    public override async Task<string[]> RunAsync(TaskOrchestrationContext context, CrashInput input) =>
    [
        await context.CallActivityAsync<string>(nameof(AppendStep), new StepInput(input.LogFile, "one")),
        await context.CallActivityAsync<string>(nameof(SlowStep), new StepInput(input.LogFile, "two")),
        await context.CallActivityAsync<string>(nameof(AppendStep), new StepInput(input.LogFile, "three")),
    ];
}

/// <summary>Appends <c>step pid=…</c>.</summary>
public sealed class AppendStep : TaskActivity<StepInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, StepInput input)
    {
        await StepLog.AppendAsync(input.LogFile, input.Step);
        return input.Step;
    }
}

/// <summary>Appends <c>step-start</c>, sleeps 3 s, appends <c>step</c>.</summary>
public sealed class SlowStep : TaskActivity<StepInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, StepInput input)
    {
        await StepLog.AppendAsync(input.LogFile, input.Step + "-start");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await StepLog.AppendAsync(input.LogFile, input.Step);
        return input.Step;
    }
}

public static class StepLog
{
    public static Task AppendAsync(string file, string step) =>
        File.AppendAllTextAsync(file, $"{step} pid={Environment.ProcessId}\n");
}
