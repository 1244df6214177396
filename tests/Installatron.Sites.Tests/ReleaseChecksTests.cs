using Installatron.Core.Catalog;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>Release zips, as wordpress.org ships them, against the checksums it publishes.</summary>
public sealed class ReleaseChecksTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly IReadOnlyDictionary<string, string> _files = WordPressFixture.CoreFiles(WordPressFixture.NewVersion);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CoreAsync_WordPressOrgZipRootedAtWordpressFolder_NoProblems()
    {
        var zip = CoreZip("wordpress/", _files);
        Assert.Empty(await ReleaseChecks.CoreAsync(zip, WordPressFixture.Checksums(_files), CancellationToken.None));
    }

    [Fact]
    public async Task CoreAsync_ZipRootedAtTheSite_NoProblems()
    {
        var zip = CoreZip("", _files);
        Assert.Empty(await ReleaseChecks.CoreAsync(zip, WordPressFixture.Checksums(_files), CancellationToken.None));
    }

    [Fact]
    public async Task CoreAsync_ChangedAddedAndMissingFiles_EachReported()
    {
        var shipped = new Dictionary<string, string>(_files)
        {
            ["wp-includes/functions.php"] = "<?php // backdoored\n",
            ["wp-includes/class-extra.php"] = "<?php // not in the release\n",
        };
        shipped.Remove("wp-login.php");

        var problems = await ReleaseChecks.CoreAsync(CoreZip("wordpress/", shipped), WordPressFixture.Checksums(_files), CancellationToken.None);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("'wp-includes/functions.php' does not match its checksum", StringComparison.Ordinal));
        Assert.Contains("'wp-includes/class-extra.php' is not in the release's checksums", problems);
        Assert.Contains("'wp-login.php' is missing", problems);
    }

    [Fact]
    public async Task CoreAsync_NotAZip_Reported()
    {
        var path = _temp["broken.zip"];
        File.WriteAllText(path, "<html>502 Bad Gateway</html>");
        Assert.StartsWith("the download is not a zip file", Assert.Single(await ReleaseChecks.CoreAsync(path, WordPressFixture.Checksums(_files), CancellationToken.None)));
    }

    [Fact]
    public async Task PluginAsync_Sha256ListsAndReadmeDrift_Accepted()
    {
        var files = new Dictionary<string, string>
        {
            ["akismet.php"] = "<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.3.8\n*/\n",
            ["views/config.php"] = "<?php // config view\n",
            ["readme.txt"] = "=== Akismet ===\nStable tag: 5.3.8\n",
        };
        var checksums = files.ToDictionary(f => f.Key, f => new FileHashes([WordPressFixture.Md5(f.Value)], [WordPressFixture.Sha256(f.Value)]));
        // A file may have several accepted values; readme.txt may drift from the published checksums (WP-CLI's soft files).
        checksums["views/config.php"] = new FileHashes([], [new string('0', 64), WordPressFixture.Sha256(files["views/config.php"])]);
        checksums["readme.txt"] = new FileHashes([], [new string('1', 64)]);
        var zip = _temp["akismet.5.3.8.zip"];
        WordPressFixture.WriteZip(zip, [("akismet/", ""), .. files.Select(f => ("akismet/" + f.Key, f.Value))]);

        Assert.Empty(await ReleaseChecks.PluginAsync(zip, "akismet", checksums, CancellationToken.None));
    }

    [Fact]
    public async Task PluginAsync_EntryOutsideTheSlugFolderOrChanged_Reported()
    {
        var checksums = new Dictionary<string, FileHashes> { ["akismet.php"] = new([], [WordPressFixture.Sha256("<?php // 5.3.8\n")]) };
        var zip = _temp["akismet.zip"];
        WordPressFixture.WriteZip(zip, [("akismet/akismet.php", "<?php // changed\n"), ("other/evil.php", "<?php\n")]);

        var problems = await ReleaseChecks.PluginAsync(zip, "akismet", checksums, CancellationToken.None);

        Assert.Equal(2, problems.Count);
        Assert.Contains("'other/evil.php' is outside the release's folder 'akismet/'", problems);
        Assert.Contains(problems, p => p.StartsWith("'akismet.php' does not match its checksum (SHA256", StringComparison.Ordinal));
    }

    /// <summary>A core zip: folder entries first, as wordpress.org's zips have them, then every file under <paramref name="root"/>.</summary>
    private string CoreZip(string root, IReadOnlyDictionary<string, string> files)
    {
        var folders = files.Keys.SelectMany(Parents).Distinct().Order(StringComparer.Ordinal).Select(f => (root + f + "/", ""));
        var path = _temp[$"release-{Guid.NewGuid():N}.zip"];
        WordPressFixture.WriteZip(path, [.. root.Length > 0 ? [(root, "")] : Array.Empty<(string, string)>(), .. folders, .. files.Select(f => (root + f.Key, f.Value))]);
        return path;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }
}
