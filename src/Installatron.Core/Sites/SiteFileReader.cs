namespace Installatron.Core.Sites;

/// <summary>
/// Reads a small file of a site (a configuration or version file) without trusting its links: the folders on the
/// way must stay in the site, and the file itself, when it is a symbolic link, must lead to a regular file inside
/// <c>allowedRoot</c> (the account's home), never into another account's files.
/// </summary>
public static class SiteFileReader
{
    /// <summary>The file's bytes; <c>null</c> when there is no such file. Throws <see cref="UnsafePathException"/> or <see cref="SiteFilesException"/>.</summary>
    public static byte[]? ReadSmall(string root, string relativePath, string allowedRoot, long maxBytes)
    {
        var full = SitePaths.Resolve(root, relativePath);
        var info = new FileInfo(full);
        if (!info.Exists && info.LinkTarget is null)
        {
            return Directory.Exists(full) ? throw new SiteFilesException($"'{full}' is a folder, not a file.") : null;
        }

        if (info.LinkTarget is not null)
        {
            var real = SitePaths.RealPath(full);
            if (!SitePaths.IsSameOrUnder(real, SitePaths.RealPath(allowedRoot)))
            {
                throw new UnsafePathException($"'{full}' is a symbolic link to '{real}', outside '{allowedRoot}'.");
            }

            info = new FileInfo(real);
            if (!info.Exists)
            {
                return null;
            }
        }

        if (info.Length > maxBytes)
        {
            throw new SiteFilesException($"'{full}' has {info.Length} bytes; more than the {maxBytes} such a file can have.");
        }

        // An empty file is never opened: a FIFO or device node there must not block or be read.
        return info.Length == 0 ? [] : File.ReadAllBytes(info.FullName);
    }
}
