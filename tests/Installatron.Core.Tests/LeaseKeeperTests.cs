using Installatron.Core.Workflow.Activities;
using Microsoft.Extensions.Time.Testing;

namespace Installatron.Core.Tests;

public sealed class LeaseKeeperTests
{
    [Fact]
    public async Task Keeper_EveryInterval_RenewsUntilDisposed()
    {
        var time = new FakeTimeProvider();
        var renewals = 0;
        var keeper = new LeaseKeeper(_ => Task.FromResult(++renewals > 0), TimeSpan.FromMinutes(5), time);
        for (var i = 0; i < 3; i++)
        {
            await WaitForTimerAsync();
            time.Advance(TimeSpan.FromMinutes(5));
        }

        await WaitUntilAsync(() => renewals == 3);
        await keeper.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(3, renewals);
        Assert.False(keeper.Lost);
    }

    [Fact]
    public async Task Keeper_LeaseTakenByAnother_CancelsTheStep()
    {
        var time = new FakeTimeProvider();
        await using var keeper = new LeaseKeeper(_ => Task.FromResult(false), TimeSpan.FromMinutes(5), time);
        await WaitForTimerAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        await WaitUntilAsync(() => keeper.Token.IsCancellationRequested);
        Assert.True(keeper.Lost);
    }

    [Fact]
    public async Task Keeper_RenewalFailsOnce_TriesAgainAtTheNextInterval()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        await using var keeper = new LeaseKeeper(_ => ++calls == 1 ? throw new IOException("storage away") : Task.FromResult(true), TimeSpan.FromMinutes(5), time);
        for (var i = 0; i < 2; i++)
        {
            await WaitForTimerAsync();
            time.Advance(TimeSpan.FromMinutes(5));
        }

        await WaitUntilAsync(() => calls == 2);
        Assert.False(keeper.Lost);
    }

    /// <summary>Lets the keeper's loop reach its next delay before the fake clock moves.</summary>
    private static Task WaitForTimerAsync() => Task.Delay(50);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
