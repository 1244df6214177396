using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>The concurrency slots of automatic updates, overall and per hosting server, on Azurite.</summary>
public sealed class SlotStoreTests
{
    [Fact]
    public async Task Claim_TwoServers_EachLimitHeldAndClaimsIdempotent()
    {
        await using var services = await ServicesAsync();
        var slots = services.GetRequiredService<SlotStore>();

        // Per server 2, overall 3: two on "a", then one on "b" fits, the fourth (on "b") does not.
        var granted = await slots.ClaimAsync(
            [new SlotClaim("u1", "a"), new SlotClaim("u2", "a"), new SlotClaim("u3", "a"), new SlotClaim("u4", "b"), new SlotClaim("u5", "b")],
            maxOverall: 3, maxPerServer: 2, CancellationToken.None);
        Assert.Equal(["u1", "u2", "u4"], granted.Order());
        Assert.Equal(["u1", "u2"], (await slots.HoldersAsync(SlotStore.ServerKey("a"), CancellationToken.None)).Order());
        Assert.Equal(["u4"], await slots.HoldersAsync(SlotStore.ServerKey("b"), CancellationToken.None));

        // Claiming again (an activity run twice) grants what is held and takes nothing more.
        Assert.Equal(["u1", "u4"], (await slots.ClaimAsync([new SlotClaim("u1", "a"), new SlotClaim("u4", "b")], 3, 2, CancellationToken.None)).Order());
        Assert.Equal(3, (await slots.HoldersAsync(SlotStore.OverallKey, CancellationToken.None)).Count);

        // A release frees both rows; released twice changes nothing.
        await slots.ReleaseAsync([new SlotClaim("u1", "a")], CancellationToken.None);
        await slots.ReleaseAsync([new SlotClaim("u1", "a")], CancellationToken.None);
        Assert.Equal(["u5"], await slots.ClaimAsync([new SlotClaim("u5", "b")], 3, 2, CancellationToken.None));
        Assert.Equal(["u2", "u4", "u5"], (await slots.HoldersAsync(SlotStore.OverallKey, CancellationToken.None)).Order());
    }

    [Fact]
    public async Task Claim_ManyRunnersAtOnce_NeverMoreThanTheLimit()
    {
        await using var services = await ServicesAsync();
        var slots = services.GetRequiredService<SlotStore>();

        var claims = Enumerable.Range(0, 24).Select(i => slots.ClaimAsync([new SlotClaim($"r{i}", "local")], maxOverall: 8, maxPerServer: 3, CancellationToken.None));
        var granted = (await Task.WhenAll(claims)).Sum(g => g.Count);

        Assert.Equal(3, granted);
        Assert.Equal(3, (await slots.HoldersAsync(SlotStore.ServerKey("local"), CancellationToken.None)).Count);
        Assert.Equal(3, (await slots.HoldersAsync(SlotStore.OverallKey, CancellationToken.None)).Count);
    }

    private static async Task<ServiceProvider> ServicesAsync() => CoreServices.For((await SharedAzurite.GetAsync()).ConnectionString, TestIds.NewPrefix());
}
