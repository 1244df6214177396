using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Tests;

public sealed class UpdatePolicyTests
{
    private static readonly HostingUser Account = new() { User = "u", PhpVersion = "8.2", DbServer = DbServers.MariaDb, DbVersion = "10.11" };

    private static readonly CatalogVersion[] Catalog =
    [
        Version("6.7.2"),
        Version("6.7.3"),
        Version("6.8.0"),
        Version("7.0.0", rules: [new UpgradeRule("6.*", UpgradeModes.Manual)]),
        Version("7.1.0", rules: [new UpgradeRule("7.*", UpgradeModes.Auto)]),
    ];

    [Fact]
    public void ChooseTarget_NoVersion_NewestAutoCandidate() =>
        Assert.Equal("6.8.0", UpdatePolicy.ChooseTarget(null, "version", Install("6.7.2"), Catalog, Account)!.Version);

    [Fact]
    public void ChooseTarget_NoVersionNewestUnmet_SkipsToNewestThatIsMet()
    {
        CatalogVersion[] catalog = [Version("6.7.3"), Version("6.8.0", requirements: new Requirements { PhpMin = "9.0" })];
        Assert.Equal("6.7.3", UpdatePolicy.ChooseTarget(null, "version", Install("6.7.2"), catalog, Account)!.Version);
    }

    [Fact]
    public void ChooseTarget_NoVersionAllUnmet_Unmetrequirements()
    {
        CatalogVersion[] catalog = [Version("6.8.0", requirements: new Requirements { PhpMin = "9.0" })];
        AssertRefused(ErrorCodes.InvalidArgumentVersionUnmetrequirements, () => UpdatePolicy.ChooseTarget(null, "version", Install("6.7.2"), catalog, Account));
    }

    [Fact]
    public void ChooseTarget_AlreadyNewest_Noupdate() =>
        AssertRefused(ErrorCodes.InvalidArgumentVersionNoupdate, () => UpdatePolicy.ChooseTarget(null, "version", Install("7.1.0"), Catalog, Account));

    [Fact]
    public void ChooseTarget_Current_NullMeansCoreUntouched() =>
        Assert.Null(UpdatePolicy.ChooseTarget("current", "version", Install("6.7.2"), Catalog, Account));

    [Theory]
    [InlineData("1.1.2", ErrorCodes.InvalidArgumentVersion)]
    [InlineData("latest", ErrorCodes.InvalidArgumentVersion)]
    [InlineData("6.7.2", ErrorCodes.InvalidArgumentVersionNoupdate)]
    [InlineData("6.7.1", ErrorCodes.InvalidArgumentVersion)]
    [InlineData("7.0.0", ErrorCodes.InvalidArgumentVersionManualupdate)]
    [InlineData("7.1.0", ErrorCodes.InvalidArgumentVersionNoupdate)]
    public void ChooseTarget_Requested_RefusedWithSeedCode(string requested, string errcode)
    {
        var refusal = AssertRefused(errcode, () => UpdatePolicy.ChooseTarget(requested, "version", Install("6.7.2"), Catalog, Account));
        Assert.Equal("version", refusal.Errfield);
    }

    [Fact]
    public void ChooseTarget_RequestedUnmet_Unmetrequirements()
    {
        CatalogVersion[] catalog = [Version("6.8.0", requirements: new Requirements { MariadbMin = "11.4" })];
        var refusal = AssertRefused(ErrorCodes.InvalidArgumentVersionUnmetrequirements,
            () => UpdatePolicy.ChooseTarget("6.8.0", "version", Install("6.7.2"), catalog, Account));
        Assert.Contains("MariaDB 11.4", refusal.Message);
    }

    [Theory]
    [InlineData("7.4", "", "", true)]
    [InlineData("8.3", "", "", false)]
    [InlineData("", "8.2", "", true)]
    [InlineData("", "8.1", "", false)]
    [InlineData("", "", "10.11", true)]
    [InlineData("", "", "10.11.5", false)]
    public void UnmetRequirements_AgainstAccount(string phpMin, string phpMax, string mariadbMin, bool met)
    {
        var requirements = new Requirements { PhpMin = phpMin, PhpMax = phpMax, MariadbMin = mariadbMin, MysqlMin = "99" };
        Assert.Equal(met, UpdatePolicy.UnmetRequirements(requirements, Account).Count == 0);
    }

    [Fact]
    public void WithAvailability_ComputedFromCatalog()
    {
        var shown = UpdatePolicy.WithAvailability(Install("6.7.2"), Catalog);
        Assert.Equal("6.8.0", shown.VersionAvailable);
        Assert.Equal("6.7.3", shown.VersionAvailableMinor);
        Assert.Equal(2, shown.VersionUpdatesAvailable);
    }

    [Fact]
    public void WithAvailability_Newest_NothingAvailable()
    {
        var shown = UpdatePolicy.WithAvailability(Install("7.1.0"), Catalog);
        Assert.Null(shown.VersionAvailable);
        Assert.Null(shown.VersionAvailableMinor);
        Assert.Equal(0, shown.VersionUpdatesAvailable);
    }

    private static Refusal AssertRefused(string errcode, Action action)
    {
        var refusal = Assert.Throws<Refusal>(action);
        Assert.Equal(errcode, refusal.Errcode);
        return refusal;
    }

    private static Install Install(string version) =>
        new() { Id = "i", Application = "wordpress", Path = "/srv/site", Url = "http://example.com", User = "u", Version = version };

    private static CatalogVersion Version(string version, IReadOnlyList<UpgradeRule>? rules = null, Requirements? requirements = null) => new()
    {
        Application = "wordpress",
        Version = version,
        Branch = AppVersion.Parse(version).DefaultBranch,
        UpgradeFrom = rules ?? [UpgradeRule.AutoFromAnything],
        Requirements = requirements ?? new Requirements(),
        Package = new PackageInfo("blob", 1, "00", 1),
    };
}
