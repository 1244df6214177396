using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// Reads a small file of a site (a configuration or version file) without trusting its links: the folders on the
/// way must stay in the site, and the file itself, when it is a symbolic link, must lead to a regular file inside
/// <c>allowedRoot</c> (the account's home), never into another account's files.
/// </summary>
public static class SiteFileReader
{
    /// <summary>The file's bytes; <c>null</c> when there is no such file. Throws <see cref="UnsafePathException"/> or <see cref="SiteFilesException"/>.</summary>
    public static byte[]? ReadSmall(string root, string relativePath, string allowedRoot, long maxBytes) =>
        ReadSmallAsync(LocalSiteFileSystem.Instance, root, relativePath, allowedRoot, maxBytes, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadSmall(string, string, string, long)"/>
    public static async Task<byte[]?> ReadSmallAsync(
        ISiteFileSystem files, string root, string relativePath, string allowedRoot, long maxBytes, CancellationToken cancellationToken)
    {
        var full = SitePaths.Resolve(files, Path.GetFullPath(root), SitePaths.Normalize(relativePath), null);
        var info = files.Stat(full);
        var shown = files.Describe(full);
        switch (info.Kind)
        {
            case EntryKind.Missing:
                return null;
            case EntryKind.Directory:
                throw new SiteFilesException($"'{shown}' is a folder, not a file.");
            case EntryKind.Symlink:
                var real = files.RealPath(full);
                if (!SitePaths.IsSameOrUnder(real, files.RealPath(allowedRoot)))
                {
                    throw new UnsafePathException($"'{shown}' is a symbolic link to '{real}', outside '{allowedRoot}'.");
                }

                info = files.Stat(real);
                if (info.Kind != EntryKind.File)
                {
                    return null;
                }

                full = real;
                break;
        }

        if (info.Size > maxBytes)
        {
            throw new SiteFilesException($"'{shown}' has {info.Size} bytes; more than the {maxBytes} such a file can have.");
        }

        // An empty file is never opened: a FIFO or device node there must not block or be read.
        if (info.Size == 0)
        {
            return [];
        }

        await using var stream = await files.OpenReadAsync(full, cancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
