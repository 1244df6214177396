using Installatron.Core.Domain;

namespace Installatron.Core.Tests;

public sealed class AppVersionTests
{
    [Theory]
    [InlineData("6.7.2", "6.7.3", -1)]
    [InlineData("6.1.10", "6.1.9", 1)]
    [InlineData("6.7", "6.7.0", 0)]
    [InlineData("7.0-RC1", "7.0", -1)]
    [InlineData("7.0-beta2", "7.0-RC1", -1)]
    [InlineData("10.0", "9.9.9", 1)]
    public void CompareTo_NumericParts_ComparedAsNumbers(string left, string right, int expected) =>
        Assert.Equal(expected, Math.Sign(AppVersion.Parse(left).CompareTo(AppVersion.Parse(right))));

    [Theory]
    [InlineData("")]
    [InlineData("current")]
    [InlineData("6..7")]
    [InlineData("v6.7")]
    [InlineData("6.7.2; rm -rf /")]
    [InlineData("1.2.3.4.5")]
    public void TryParse_NotAVersion_False(string text) => Assert.False(AppVersion.TryParse(text, out _));

    [Theory]
    [InlineData("6.7.2", "*", true)]
    [InlineData("6.7.2", "6.*", true)]
    [InlineData("6.7.2", "6.7.*", true)]
    [InlineData("6.7.2", "6.8.*", false)]
    [InlineData("16.7.2", "6.*", false)]
    [InlineData("6.7.2", "6.7.2", true)]
    [InlineData("6.7.2", "6.7.20", false)]
    public void Matches_Pattern_AsDocumented(string version, string pattern, bool expected) =>
        Assert.Equal(expected, AppVersion.Parse(version).Matches(pattern));

    [Fact]
    public void DefaultBranch_ThreeParts_FirstTwo() => Assert.Equal("6.7", AppVersion.Parse("6.7.3").DefaultBranch);
}
