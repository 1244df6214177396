using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class SitePathsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../site2")]
    [InlineData("wp-content/../../etc")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("C:/Windows")]
    public void Normalize_EscapingOrMalformed_Throws(string path) =>
        Assert.Throws<UnsafePathException>(() => SitePaths.Normalize(path));

    [Theory]
    [InlineData("wp-content/cache/", "wp-content/cache")]
    [InlineData(".htaccess", ".htaccess")]
    [InlineData("a b/c..d", "a b/c..d")]
    public void Normalize_RelativePath_Canonical(string path, string expected) => Assert.Equal(expected, SitePaths.Normalize(path));

    [Theory]
    [InlineData("wp-content/cache", "wp-content/cache", true)]
    [InlineData("wp-content/cache/a.html", "wp-content/cache", true)]
    [InlineData("wp-content/cache-notes.txt", "wp-content/cache", false)]
    [InlineData("wp-content", "wp-content/cache", false)]
    public void IsSameOrUnder_FolderPrefix_OnlyWholeSegments(string path, string prefix, bool expected) =>
        Assert.Equal(expected, SitePaths.IsSameOrUnder(path, prefix));

    [Fact]
    public void Resolve_SymlinkOutsideOnTheWay_Throws()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["outside"]);
        Directory.CreateDirectory(temp["site"]);
        Directory.CreateSymbolicLink(temp["site/wp-includes"], temp["outside"]);

        var ex = Assert.Throws<UnsafePathException>(() => SitePaths.Resolve(temp["site"], "wp-includes/version.php"));
        Assert.Contains("wp-includes", ex.Message);
    }

    [Fact]
    public void Resolve_RelativeSymlinkClimbingOut_Throws()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["outside"]);
        Directory.CreateDirectory(temp["site/a"]);
        Directory.CreateSymbolicLink(temp["site/a/up"], "../../outside");

        Assert.Throws<UnsafePathException>(() => SitePaths.Resolve(temp["site"], "a/up/file"));
    }

    [Fact]
    public void Resolve_SymlinkInsideOnTheWay_Allowed()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["site/real"]);
        Directory.CreateSymbolicLink(temp["site/alias"], "real");

        Assert.Equal(temp["site/alias/file"], SitePaths.Resolve(temp["site"], "alias/file"));
    }

    [Fact]
    public void Resolve_LastComponentSymlinkOutside_ReturnedNotFollowed()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["site"]);
        File.CreateSymbolicLink(temp["site/passwd"], "/etc/passwd");

        Assert.Equal(temp["site/passwd"], SitePaths.Resolve(temp["site"], "passwd"));
    }
}
