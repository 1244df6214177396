using Installatron.Core.Domain;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// What a site's configuration file gives for each install field its recipe maps (<c>db_name</c> → the value of
/// <c>DB_NAME</c>), each as far as it can be known without running PHP (<see cref="PhpValue"/>; <c>null</c> when the
/// file does not set it). <paramref name="Path"/> is the file read.
/// </summary>
public sealed record SiteConfig(string Path, IReadOnlyDictionary<string, PhpValue?> Fields)
{
    public PhpValue? this[string field] => Fields.GetValueOrDefault(field);
}

/// <summary>
/// Reads what a site says about itself from its files, as its application's recipe says where to look (its version
/// file, its configuration file), statically and without following links out of the account.
/// </summary>
public static class ApplicationFiles
{
    private const long MaxFileBytes = 1024 * 1024;

    /// <summary>
    /// The version the site's files state; <c>null</c> when the site has no such file. Throws
    /// <see cref="SiteFilesException"/> when the file is unsafe to read or does not state a version literally.
    /// </summary>
    public static async Task<FoundVersion?> ReadVersionAsync(
        ISiteFileSystem files, string siteRoot, VersionSource source, string? allowedRoot, CancellationToken cancellationToken)
    {
        var bytes = await SiteFileReader.ReadSmallAsync(files, siteRoot, source.File, allowedRoot ?? siteRoot, MaxFileBytes, cancellationToken);
        return bytes is null ? null : VersionReader.Read(bytes, source, files.Describe(Path.Join(siteRoot, source.File)));
    }

    /// <summary>
    /// The site's configuration file, where the application looks for it: in the site's folder, else (when the recipe
    /// says so) in the folder above when that folder is not itself a site of the application and lies inside
    /// <paramref name="allowedRoot"/>. <c>null</c> when there is none.
    /// </summary>
    public static async Task<SiteConfig?> ReadConfigAsync(
        ISiteFileSystem files, string siteRoot, ConfigRecipe config, string allowedRoot, CancellationToken cancellationToken)
    {
        var site = Path.GetFullPath(siteRoot);
        var bytes = await SiteFileReader.ReadSmallAsync(files, site, config.File, allowedRoot, MaxFileBytes, cancellationToken);
        var path = Path.Join(site, config.File);
        if (bytes is null && config.AlsoInParent && Path.GetDirectoryName(site) is { } parent
            && SitePaths.IsSameOrUnder(files.RealPath(parent), files.RealPath(allowedRoot))
            && (config.ParentUnless is null || !files.FileExists(Path.Join(parent, config.ParentUnless))))
        {
            bytes = await SiteFileReader.ReadSmallAsync(files, parent, config.File, allowedRoot, MaxFileBytes, cancellationToken);
            path = Path.Join(parent, config.File);
        }

        return bytes is null ? null : ParseConfig(bytes, path, config);
    }

    public static SiteConfig ParseConfig(byte[] content, string path, ConfigRecipe config)
    {
        var values = PhpAssignments.Parse(content);
        var fields = new Dictionary<string, PhpValue?>(StringComparer.Ordinal);
        foreach (var (constant, field) in config.Constants)
        {
            fields[field] = values.Constant(constant);
        }

        foreach (var (variable, field) in config.Variables)
        {
            fields[field] = values.Variable(variable);
        }

        return new SiteConfig(path, fields);
    }
}
