using Installatron.Core;
using Installatron.Core.Domain;

namespace Installatron.Core.Tests;

public sealed class RolloutRulesTests
{
    private static readonly RolloutSettings Settings = new(CanaryPercent: 2, CanaryMinimum: 5, FailurePercent: 20, HealthRevertLimit: 3, MaxConcurrent: 8, MaxPerServer: 4);

    private static readonly Rollout Target = new() { Id = "wordpress-6.7.3", Application = "wordpress", Version = "6.7.3" };

    [Theory]
    [InlineData(3, 5)]
    [InlineData(100, 5)]
    [InlineData(1000, 20)]
    [InlineData(10_000, 200)]
    [InlineData(1_000_000, RolloutRules.MaxWaveSize)]
    public void CanarySize_Members_TwoPercentAtLeastFive(int members, int expected) =>
        Assert.Equal(expected, RolloutRules.CanarySize(members, Settings));

    [Fact]
    public void NextWaveSize_HealthyWave_Doubles() => Assert.Equal(40, RolloutRules.NextWaveSize(new RolloutWave(2, 20, 20, 20)));

    [Fact]
    public void NextWaveSize_WaveWithAFailure_StaysTheSame() => Assert.Equal(20, RolloutRules.NextWaveSize(new RolloutWave(2, 20, 20, 19, Failed: 1)));

    [Fact]
    public void NextWaveSize_LargeHealthyWave_CappedAtTheMaximum() =>
        Assert.Equal(RolloutRules.MaxWaveSize, RolloutRules.NextWaveSize(new RolloutWave(7, 800, 800, 800)));

    [Fact]
    public void Trip_FailuresAtTheThreshold_DoesNotTrip() => Assert.Null(RolloutRules.Trip(Target, new RolloutWave(1, 5, 5, 4, Failed: 1), Settings));

    [Fact]
    public void Trip_FailuresPastTheThresholdBeforeTheWaveEnds_TripsAtOnce()
    {
        var reason = RolloutRules.Trip(Target, new RolloutWave(1, 5, Started: 2, Reverted: 2), Settings);
        Assert.Contains("2 of 5 updates failed (40 %), more than the 20 % allowed", reason);
    }

    [Fact]
    public void Trip_SkippedMembers_NotCountedAsTheWavesSize()
    {
        // 1 failure of 10 is 10 %; of the 4 that could run it is 25 %.
        Assert.NotNull(RolloutRules.Trip(Target, new RolloutWave(1, 10, Started: 4, Complete: 3, Failed: 1, Skipped: 6), Settings));
    }

    [Fact]
    public void Trip_MoreHealthRevertsThanTheLimitOverWaves_Trips()
    {
        var wave = new RolloutWave(5, 400, 400, 399, Reverted: 1);
        Assert.Null(RolloutRules.Trip(Target with { HealthReverts = 3 }, wave, Settings));
        Assert.Contains("4 sites failed their health check", RolloutRules.Trip(Target with { HealthReverts = 4 }, wave, Settings));
    }

    [Fact]
    public void Pending_MembersNotInAWave() =>
        Assert.Equal(7, (Target with { Members = 20, Waves = [new RolloutWave(1, 5), new RolloutWave(2, 8)] }).Pending);

    [Theory]
    [InlineData(nameof(InstallatronOptions.RolloutCanaryPercent), 0)]
    [InlineData(nameof(InstallatronOptions.RolloutFailurePercent), 101)]
    [InlineData(nameof(InstallatronOptions.RolloutMaxPerServer), 0)]
    [InlineData(nameof(InstallatronOptions.SweepPageSize), 1001)]
    public void OptionsValidator_ValueOutOfRange_NamesTheSetting(string setting, int value)
    {
        var options = new InstallatronOptions();
        typeof(InstallatronOptions).GetProperty(setting)!.SetValue(options, value);
        var result = new InstallatronOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains($"Installatron__{setting} must be a whole number", result.FailureMessage);
    }

    [Fact]
    public void OptionsValidator_Defaults_Pass() => Assert.True(new InstallatronOptionsValidator().Validate(null, new InstallatronOptions()).Succeeded);

    [Fact]
    public void HostingServerKey_LocalAndRemoteAccounts_OneKeyPerHost()
    {
        var local = new HostingUser { User = "alice" };
        RemoteLocation On(string host, int port, string login) => new() { Host = host, Port = port, Login = login, HostKey = "SHA256:" + new string('A', 43) };

        Assert.Equal(HostingServers.Local, HostingServers.KeyOf(local));
        Assert.Equal("ssh~web1.example.com", HostingServers.KeyOf(local with { Remote = On("Web1.Example.com", 22, "alice") }));
        // Another login and port on the same server: the same limit.
        Assert.Equal(
            HostingServers.KeyOf(local with { Remote = On("web1.example.com", 22, "alice") }),
            HostingServers.KeyOf(local with { User = "bob", Remote = On("web1.example.com", 2222, "bob") }));
        Assert.NotEqual(
            HostingServers.KeyOf(local with { Remote = On("web1.example.com", 22, "alice") }),
            HostingServers.KeyOf(local with { Remote = On("web2.example.com", 22, "alice") }));
    }
}
