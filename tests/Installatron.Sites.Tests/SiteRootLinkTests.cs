using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>
/// The site root itself as a symbolic link (to another account's site): every entry point of the file engine
/// refuses it before reading or writing a byte through it.
/// </summary>
public sealed class SiteRootLinkTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _victim;
    private readonly string _link;

    public SiteRootLinkTests()
    {
        _victim = _temp["victim/site"];
        WordPressFixture.WriteSite(_victim);
        Directory.CreateDirectory(_temp["attacker"]);
        _link = _temp["attacker/site"];
        File.CreateSymbolicLink(_link, _victim);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CreateBackup_RootIsLink_RefusedNothingRead()
    {
        await Assert.ThrowsAsync<UnsafePathException>(() => SiteBackup.CreateAsync(_link, [], _temp["backup.tar.gz"], CancellationToken.None));
        Assert.False(File.Exists(_temp["backup.tar.gz"]));
    }

    [Fact]
    public async Task Restore_RootIsLink_RefusedVictimUntouched()
    {
        var other = _temp["other"];
        WordPressFixture.WriteSite(other, WordPressFixture.NewVersion);
        await SiteBackup.CreateAsync(other, [], _temp["other.tar.gz"], CancellationToken.None);
        var before = TreeHash.Describe(_victim);

        await Assert.ThrowsAsync<UnsafePathException>(() => SiteRestore.RestoreAsync(_temp["other.tar.gz"], _link, [], CancellationToken.None));

        Assert.Equal(before, TreeHash.Describe(_victim));
    }

    [Fact]
    public async Task Apply_RootIsLink_RefusedVictimUntouched()
    {
        Directory.CreateDirectory(_temp["packages"]);
        var package = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.NewVersion);
        var before = TreeHash.Describe(_victim);

        await Assert.ThrowsAsync<UnsafePathException>(() => new PackageApplier(TimeProvider.System).ApplyAsync(
            new ApplyRequest(_link, package, null, SiteRecipe.WordPress, _temp["staging/1"]), CancellationToken.None));
        await Assert.ThrowsAsync<UnsafePathException>(() => MaintenanceMarker.WriteAsync(_link, SiteRecipe.WordPress, TimeProvider.System, CancellationToken.None));

        Assert.Equal(before, TreeHash.Describe(_victim));
    }

    [Fact]
    public async Task Apply_StagingFolderIsLink_RefusedNothingWrittenThere()
    {
        var site = _temp["own"];
        WordPressFixture.WriteSite(site);
        Directory.CreateDirectory(_temp["packages"]);
        var package = WordPressFixture.WritePackage(_temp["packages"], WordPressFixture.NewVersion);
        File.CreateSymbolicLink(_temp["work"], _temp["victim"]);
        var before = TreeHash.Describe(_temp["victim"]);

        await Assert.ThrowsAsync<UnsafePathException>(() => new PackageApplier(TimeProvider.System).ApplyAsync(
            new ApplyRequest(site, package, null, SiteRecipe.WordPress, _temp["work/staging"]), CancellationToken.None));

        Assert.Equal(before, TreeHash.Describe(_temp["victim"]));
    }

    [Fact]
    public void AccountFolder_LinksInsideAndOutside_ResolvedOrRefused()
    {
        var home = _temp["attacker"];
        Directory.CreateDirectory(Path.Join(home, "real/blog"));
        File.CreateSymbolicLink(Path.Join(home, "www"), Path.Join(home, "real"));
        File.CreateSymbolicLink(Path.Join(home, "up"), "..");
        var account = AccountFolder.Open(home);

        Assert.Equal(Path.Join(SitePaths.RealPath(home), "real/blog"), account.Resolve(Path.Join(home, "www/blog"), "The path"));
        Assert.Equal(Path.Join(SitePaths.RealPath(home), ".appdata/new"), account.Resolve(".appdata/new", "The path"));
        Assert.Throws<UnsafePathException>(() => account.Resolve(_link, "The path"));
        Assert.Throws<UnsafePathException>(() => account.Resolve(Path.Join(home, "up/victim/site"), "The path"));
        Assert.Throws<UnsafePathException>(() => account.Resolve("/etc", "The path"));
        Assert.Throws<UnsafePathException>(() => AccountFolder.Open(""));
    }
}
