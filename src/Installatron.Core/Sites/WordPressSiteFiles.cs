using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>The version a WordPress site's own files report: <c>$wp_version</c> and <c>$wp_db_version</c> (empty when not set).</summary>
public sealed record WordPressVersion(string Version, string DbVersion);

/// <summary>
/// The settings <c>wp-config.php</c> gives, each as far as it can be known without running PHP
/// (<see cref="PhpValue"/>; <c>null</c> when the file does not set it). <paramref name="Path"/> is the file read.
/// </summary>
public sealed record WordPressConfig(string Path, PhpValue? DbName, PhpValue? DbUser, PhpValue? DbPassword, PhpValue? DbHost, PhpValue? TablePrefix);

/// <summary>
/// What a WordPress site says about itself, read with <see cref="ApplicationFiles"/> and WordPress's recipe
/// (<see cref="ApplicationRecipes.WordPress"/>): its version file and its <c>wp-config.php</c>.
/// </summary>
public static class WordPressSiteFiles
{
    private static ApplicationRecipe Recipe => ApplicationRecipes.WordPress;

    public static string ConfigFile => Recipe.Config!.File;

    /// <summary>
    /// <c>wp-includes/version.php</c>'s versions; <c>null</c> when the site has no such file. Throws
    /// <see cref="SiteFilesException"/> when the file is unsafe to read or sets no <c>$wp_version</c> literally.
    /// </summary>
    public static WordPressVersion? ReadVersion(string siteRoot, string? allowedRoot = null) =>
        ReadVersionAsync(LocalSiteFileSystem.Instance, siteRoot, allowedRoot, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadVersion(string, string?)"/>
    public static async Task<WordPressVersion?> ReadVersionAsync(ISiteFileSystem files, string siteRoot, string? allowedRoot, CancellationToken cancellationToken) =>
        await ApplicationFiles.ReadVersionAsync(files, siteRoot, Recipe.Version!, allowedRoot, cancellationToken) is { } found
            ? new WordPressVersion(found.Version, found.DbVersion)
            : null;

    /// <summary>The site's <c>wp-config.php</c>, where WordPress looks for it (<see cref="ApplicationFiles.ReadConfigAsync"/>); <c>null</c> when there is none.</summary>
    public static WordPressConfig? ReadConfig(string siteRoot, string allowedRoot) =>
        ReadConfigAsync(LocalSiteFileSystem.Instance, siteRoot, allowedRoot, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadConfig(string, string)"/>
    public static async Task<WordPressConfig?> ReadConfigAsync(ISiteFileSystem files, string siteRoot, string allowedRoot, CancellationToken cancellationToken) =>
        await ApplicationFiles.ReadConfigAsync(files, siteRoot, Recipe.Config!, allowedRoot, cancellationToken) is { } config ? Of(config) : null;

    public static WordPressConfig ParseConfig(byte[] content, string path) => Of(ApplicationFiles.ParseConfig(content, path, Recipe.Config!));

    private static WordPressConfig Of(SiteConfig config) =>
        new(config.Path, config["db_name"], config["db_user"], config["db_pass"], config["db_host"], config["db_prefix"]);
}
