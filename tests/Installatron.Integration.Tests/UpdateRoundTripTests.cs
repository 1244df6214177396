using Installatron.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>How many requests to the tables one update makes (each a round trip to the storage account).</summary>
public sealed class UpdateRoundTripTests(ITestOutputHelper output)
{
    /// <summary>
    /// A synchronous update with a backup, the request included (everything after the harness's demo data): 58 measured
    /// alone (59 before each step's end stopped reading the task row its beginning had just written; 53 before the health
    /// baseline became a step of its own run while the backup is taken: its install read and task write, 3, and the
    /// backup's end finding the task changed meanwhile, 2 — for the 0.3–0.5 s of requests to the site it takes off the
    /// update's time). The two steps write the task concurrently: 56 when the baseline's write comes before the backup
    /// begins; 58 when it lands inside the backup's step (one of the backup's writes retried); 60 when, besides, the
    /// backup's beginning lands between the baseline's read and write (the baseline's retried too) — seen in a loaded
    /// full run.
    /// </summary>
    public const int MaxRoundTripsPerUpdate = 60;

    [Fact]
    public async Task Update_WithBackup_TableRoundTripsWithinTheBudget()
    {
        var counter = new TableRequestCounter();
        await using var harness = await WorkflowHarness.StartAsync(tableRequests: counter);
        counter.Reset();

        var update = await harness.UpdateAsync("""{"revert": true}""");

        Assert.True(update.Result, update.Message);
        output.WriteLine($"{counter.Total} table requests: {counter.Describe()}");
        Assert.True(counter.Total <= MaxRoundTripsPerUpdate, $"{counter.Total} table requests: {counter.Describe()}");
    }
}
