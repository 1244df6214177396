using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>The version a WordPress site's own files report: <c>$wp_version</c> and <c>$wp_db_version</c> (empty when not set).</summary>
public sealed record WordPressVersion(string Version, string DbVersion);

/// <summary>
/// The settings <c>wp-config.php</c> gives, each as far as it can be known without running PHP
/// (<see cref="PhpValue"/>; <c>null</c> when the file does not set it). <paramref name="Path"/> is the file read.
/// </summary>
public sealed record WordPressConfig(string Path, PhpValue? DbName, PhpValue? DbUser, PhpValue? DbPassword, PhpValue? DbHost, PhpValue? TablePrefix);

/// <summary>Reads what a WordPress site says about itself from its files, statically and without following links out of the account.</summary>
public static class WordPressSiteFiles
{
    public const string ConfigFile = "wp-config.php";
    private const long MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// <c>wp-includes/version.php</c>'s versions; <c>null</c> when the site has no such file. Throws
    /// <see cref="SiteFilesException"/> when the file is unsafe to read or sets no <c>$wp_version</c> literally.
    /// </summary>
    public static WordPressVersion? ReadVersion(string siteRoot, string? allowedRoot = null) =>
        ReadVersionAsync(LocalSiteFileSystem.Instance, siteRoot, allowedRoot, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadVersion(string, string?)"/>
    public static async Task<WordPressVersion?> ReadVersionAsync(ISiteFileSystem files, string siteRoot, string? allowedRoot, CancellationToken cancellationToken)
    {
        var bytes = await SiteFileReader.ReadSmallAsync(files, siteRoot, PackageLayoutReader.WordPressVersionFile, allowedRoot ?? siteRoot, MaxFileBytes, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        var values = PhpAssignments.Parse(bytes);
        if (values.Variable("wp_version") is not { Text: { Length: > 0 } version } found)
        {
            var problem = values.Variable("wp_version") is { } unknown ? unknown.Problem ?? "is empty" : "is not set";
            throw new SiteFilesException($"{files.Describe(Path.Join(siteRoot, PackageLayoutReader.WordPressVersionFile))}: $wp_version {problem}.");
        }

        return new WordPressVersion(found.Text, values.Variable("wp_db_version") is { Text: { } db } ? db : "");
    }

    /// <summary>
    /// The site's <c>wp-config.php</c>, where WordPress looks for it: in the site's folder, else in the folder above
    /// when that folder is not itself a WordPress (has no <c>wp-settings.php</c>) and lies inside <paramref name="allowedRoot"/>.
    /// <c>null</c> when there is none.
    /// </summary>
    public static WordPressConfig? ReadConfig(string siteRoot, string allowedRoot) =>
        ReadConfigAsync(LocalSiteFileSystem.Instance, siteRoot, allowedRoot, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadConfig(string, string)"/>
    public static async Task<WordPressConfig?> ReadConfigAsync(ISiteFileSystem files, string siteRoot, string allowedRoot, CancellationToken cancellationToken)
    {
        var site = System.IO.Path.GetFullPath(siteRoot);
        var bytes = await SiteFileReader.ReadSmallAsync(files, site, ConfigFile, allowedRoot, MaxFileBytes, cancellationToken);
        var path = System.IO.Path.Join(site, ConfigFile);
        if (bytes is null && System.IO.Path.GetDirectoryName(site) is { } parent
            && SitePaths.IsSameOrUnder(files.RealPath(parent), files.RealPath(allowedRoot))
            && !files.FileExists(System.IO.Path.Join(parent, "wp-settings.php")))
        {
            bytes = await SiteFileReader.ReadSmallAsync(files, parent, ConfigFile, allowedRoot, MaxFileBytes, cancellationToken);
            path = System.IO.Path.Join(parent, ConfigFile);
        }

        return bytes is null ? null : ParseConfig(bytes, path);
    }

    public static WordPressConfig ParseConfig(byte[] content, string path)
    {
        var values = PhpAssignments.Parse(content);
        return new WordPressConfig(path, values.Constant("DB_NAME"), values.Constant("DB_USER"), values.Constant("DB_PASSWORD"),
            values.Constant("DB_HOST"), values.Variable("table_prefix"));
    }
}
