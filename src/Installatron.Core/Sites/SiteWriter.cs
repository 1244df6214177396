using System.Security.Cryptography;
using System.Text;

namespace Installatron.Core.Sites;

/// <summary>
/// Changes a site tree one entry at a time, each change safe to repeat: every path is resolved with
/// <see cref="SitePaths"/> (no symbolic link out of the site on the way), files are written to a temporary file in
/// the same folder and renamed over the old one, and a symbolic link found where something is written is replaced,
/// never written through. The root itself must be a real path (no link on it).
/// </summary>
internal sealed class SiteWriter(string siteRoot)
{
    private readonly HashSet<string> _safeDirectories = new(StringComparer.Ordinal);

    public string Root { get; } = SitePaths.RequireRealRoot(siteRoot);

    public string Resolve(string path) => SitePaths.Resolve(Root, path, _safeDirectories);

    public EntryKind KindOf(string path) => SiteTree.KindOf(Resolve(path));

    /// <summary>Resolves a directory the caller will write into: a symbolic link there must stay inside the site too.</summary>
    public string ResolveDirectory(string path) => SitePaths.Resolve(Root, path, _safeDirectories, includeLast: true);

    /// <summary>
    /// Makes <paramref name="path"/> a directory; a new one gets <paramref name="mode"/>. A file there is replaced; a
    /// symbolic link too with <paramref name="replaceLink"/>, otherwise it is kept when it leads to a directory inside
    /// the site. <paramref name="makeWritable"/> adds the owner's rwx to an existing directory so it can be filled.
    /// </summary>
    public void EnsureDirectory(string path, int mode, bool replaceLink, bool makeWritable)
    {
        var full = Resolve(path);
        switch (SiteTree.KindOf(full))
        {
            case EntryKind.Directory:
                var current = FileModes.Of(new DirectoryInfo(full));
                if (makeWritable && (current & FileModes.OwnerAll) != FileModes.OwnerAll)
                {
                    FileModes.Set(full, current | FileModes.OwnerAll);
                }

                return;
            case EntryKind.Symlink when !replaceLink:
                ResolveDirectory(path);
                if (Directory.Exists(full))
                {
                    return;
                }

                File.Delete(full);
                break;
            case EntryKind.File or EntryKind.Symlink:
                File.Delete(full);
                Forget(path);
                break;
        }

        Directory.CreateDirectory(full);
        FileModes.Set(full, makeWritable ? mode | FileModes.OwnerAll : mode);
    }

    /// <summary>True when <paramref name="path"/> is a regular file with this size, mode and content.</summary>
    public async Task<bool> IsSameFileAsync(string path, long size, int mode, string sha256, CancellationToken cancellationToken)
    {
        var full = Resolve(path);
        if (SiteTree.KindOf(full) != EntryKind.File)
        {
            return false;
        }

        // An empty file is never opened: a FIFO or device node there must not block or be read.
        var info = new FileInfo(full);
        return info.Length == size
            && FileModes.Of(info) == mode
            && (size == 0 || await SiteFiles.Sha256Async(full, cancellationToken) == sha256);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically; returns the SHA-256 and length written.</summary>
    public async Task<(string Sha256, long Length)> WriteFileAsync(
        string path, Stream content, int mode, DateTimeOffset? modified, CancellationToken cancellationToken)
    {
        var full = Resolve(path);
        var temp = TemporaryPathFor(full);
        DeleteAny(temp);
        try
        {
            (string Sha256, long Length) written;
            await using (var output = SiteFiles.CreateNew(temp))
            {
                written = await SiteFiles.CopyAsync(content, output, cancellationToken);
            }

            FileModes.Set(temp, mode);
            if (modified is { } time)
            {
                File.SetLastWriteTimeUtc(temp, time.UtcDateTime);
            }

            switch (SiteTree.KindOf(full))
            {
                case EntryKind.Directory:
                    Directory.Delete(full, recursive: true);
                    Forget(path);
                    break;
                case EntryKind.Symlink:
                    File.Delete(full);
                    break;
            }

            File.Move(temp, full, overwrite: true);
            return written;
        }
        catch
        {
            DeleteAny(temp);
            throw;
        }
    }

    /// <summary>Makes <paramref name="path"/> a symbolic link to <paramref name="target"/> (the link itself; nothing is followed).</summary>
    public void WriteSymlink(string path, string target)
    {
        var full = Resolve(path);
        switch (SiteTree.KindOf(full))
        {
            case EntryKind.Symlink when new FileInfo(full).LinkTarget == target:
                return;
            case EntryKind.Directory:
                Directory.Delete(full, recursive: true);
                Forget(path);
                break;
            case EntryKind.File or EntryKind.Symlink:
                File.Delete(full);
                break;
        }

        File.CreateSymbolicLink(full, target);
    }

    /// <summary>Deletes a file or symbolic link at <paramref name="path"/>; leaves a directory alone. True when something was deleted.</summary>
    public bool DeleteFileOrLink(string path)
    {
        var full = Resolve(path);
        if (SiteTree.KindOf(full) is EntryKind.File or EntryKind.Symlink)
        {
            File.Delete(full);
            return true;
        }

        return false;
    }

    /// <summary>Deletes the directory at <paramref name="path"/> when it is empty. True when it was deleted.</summary>
    public bool DeleteDirectoryIfEmpty(string path)
    {
        var full = Resolve(path);
        if (SiteTree.KindOf(full) != EntryKind.Directory || Directory.EnumerateFileSystemEntries(full).Any())
        {
            return false;
        }

        Directory.Delete(full);
        Forget(path);
        return true;
    }

    /// <summary>Deletes whatever is at <paramref name="path"/>, a directory with everything in it (symbolic links inside are removed, not followed).</summary>
    public bool DeleteTree(string path)
    {
        var full = Resolve(path);
        var deleted = DeleteAny(full);
        Forget(path);
        return deleted;
    }

    public void SetDirectoryMode(string path, int mode)
    {
        var full = Resolve(path);
        if (SiteTree.KindOf(full) == EntryKind.Directory && FileModes.Of(new DirectoryInfo(full)) != mode)
        {
            FileModes.Set(full, mode);
        }
    }

    /// <summary>The temporary name a file is written under before it is renamed: fixed per target, so a rerun reuses it.</summary>
    private static string TemporaryPathFor(string full)
    {
        var name = Path.GetFileName(full);
        var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];
        return Path.Join(Path.GetDirectoryName(full), $".installatron-{tag}.tmp");
    }

    private static bool DeleteAny(string full)
    {
        switch (SiteTree.KindOf(full))
        {
            case EntryKind.Directory:
                Directory.Delete(full, recursive: true);
                return true;
            case EntryKind.File or EntryKind.Symlink:
                File.Delete(full);
                return true;
            default:
                return false;
        }
    }

    private void Forget(string path) => _safeDirectories.RemoveWhere(d => SitePaths.IsSameOrUnder(d, path));
}
