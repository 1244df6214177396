using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// Changes a site tree one entry at a time, each change safe to repeat: every path is resolved with
/// <see cref="SitePaths"/> (no symbolic link out of the site on the way), files are written to a temporary file in
/// the same folder and renamed over the old one, and a symbolic link found where something is written is replaced,
/// never written through. The root itself must be a real path (no link on it).
/// </summary>
internal sealed class SiteWriter(ISiteFileSystem files, string siteRoot)
{
    /// <summary>Per (source, temporary, mode): noclobber makes the redirection create the file with O_EXCL.</summary>
    private const string CopyScript = """xargs -0 -r -n 3 sh -c 'set -C; cat -- "$1" > "$2" && chmod "$3" -- "$2"' sh""";

    private readonly HashSet<string> _safeDirectories = new(StringComparer.Ordinal);

    public SiteWriter(string siteRoot)
        : this(LocalSiteFileSystem.Instance, siteRoot)
    {
    }

    public ISiteFileSystem Files { get; } = files;

    /// <summary>
    /// A writer for <paramref name="siteRoot"/> whose entries, on a remote site with a shell, are looked up in one
    /// listing taken now (<see cref="ListedSiteFileSystem"/>) instead of one round trip each; its folders need no
    /// check for links on the way.
    /// </summary>
    public static async Task<SiteWriter> OpenAsync(ISiteFileSystem files, string siteRoot, CancellationToken cancellationToken)
    {
        var root = SitePaths.RequireRealRoot(files, siteRoot);
        var listed = await ListedSiteFileSystem.ListAsync(files, root, cancellationToken);
        var writer = new SiteWriter(listed, root);
        if (listed is ListedSiteFileSystem listing)
        {
            writer._safeDirectories.UnionWith(listing.Directories);
        }

        return writer;
    }

    public string Root { get; } = SitePaths.RequireRealRoot(files, siteRoot);

    public string Resolve(string path) => SitePaths.Resolve(Files, Root, path, _safeDirectories);

    public EntryKind KindOf(string path) => Files.Stat(Resolve(path)).Kind;

    /// <summary>Resolves a directory the caller will write into: a symbolic link there must stay inside the site too.</summary>
    public string ResolveDirectory(string path) => SitePaths.Resolve(Files, Root, path, _safeDirectories, includeLast: true);

    /// <summary>
    /// Makes <paramref name="path"/> a directory; a new one gets <paramref name="mode"/>. A file there is replaced; a
    /// symbolic link too with <paramref name="replaceLink"/>, otherwise it is kept when it leads to a directory inside
    /// the site. <paramref name="makeWritable"/> adds the owner's rwx to an existing directory so it can be filled.
    /// </summary>
    public void EnsureDirectory(string path, int mode, bool replaceLink, bool makeWritable)
    {
        var full = Resolve(path);
        var info = Files.Stat(full);
        switch (info.Kind)
        {
            case EntryKind.Directory:
                if (makeWritable && (info.Mode & FileModes.OwnerAll) != FileModes.OwnerAll)
                {
                    Files.SetMode(full, info.Mode | FileModes.OwnerAll);
                }

                return;
            case EntryKind.Symlink when !replaceLink:
                ResolveDirectory(path);
                if (Files.Stat(Files.RealPath(full)).Kind == EntryKind.Directory)
                {
                    return;
                }

                Files.DeleteFile(full);
                break;
            case EntryKind.File or EntryKind.Symlink:
                Files.DeleteFile(full);
                Forget(path);
                break;
        }

        Files.CreateDirectory(full);
        Files.SetMode(full, makeWritable ? mode | FileModes.OwnerAll : mode);
    }

    /// <summary>True when <paramref name="path"/> is a regular file with this size, mode and content.</summary>
    /// <remarks><paramref name="hashes"/>: contents hashed beforehand on the site's host, when it has a shell.</remarks>
    public async Task<bool> IsSameFileAsync(string path, long size, int mode, string sha256, CancellationToken cancellationToken, RemoteHashes? hashes = null)
    {
        var full = Resolve(path);
        var info = Files.Stat(full);

        // An empty file is never opened: a FIFO or device node there must not block or be read.
        return info.Kind == EntryKind.File
            && info.Size == size
            && info.Mode == mode
            && (size == 0 || await (hashes is null ? SiteFiles.Sha256Async(Files, full, cancellationToken) : hashes.Sha256Async(path, full, cancellationToken)) == sha256);
    }

    /// <summary>True when a regular file of this size and mode is at <paramref name="path"/> (its content may still differ); false when unsafe to look at.</summary>
    public bool MayBeSameFile(string path, long size, int mode)
    {
        try
        {
            var info = Files.Stat(Resolve(path));
            return info.Kind == EntryKind.File && info.Size == size && info.Mode == mode;
        }
        catch (UnsafePathException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically; returns the SHA-256 and length written.
    /// With <paramref name="expected"/>, content that differs from it is never renamed into place (<see cref="InvalidBackupException"/>).
    /// </summary>
    public async Task<(string Sha256, long Length)> WriteFileAsync(
        string path, Stream content, int mode, DateTimeOffset? modified, CancellationToken cancellationToken, (string Sha256, long Length)? expected = null)
    {
        var full = Resolve(path);
        var temp = TemporaryPathFor(full);
        DeleteAny(temp);
        try
        {
            var written = await Files.WriteNewAsync(temp, content, cancellationToken);
            if (expected is { } wanted && written != wanted)
            {
                throw new InvalidBackupException($"The content of '{path}' in the backup is not what its manifest says.", [path]);
            }

            Files.SetMode(temp, mode);
            if (modified is { } time)
            {
                Files.SetModified(temp, time);
            }

            ReplaceWithFile(path, full);
            Files.Rename(temp, full);
            return written;
        }
        catch
        {
            DeleteAny(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes each of <paramref name="files"/> from a file already on the site's host (a staged package file): copied
    /// there by the shell into a temporary file created with O_EXCL (noclobber, never through a link), given its mode,
    /// checked by its SHA-256 on the host, then renamed into place like <see cref="WriteFileAsync"/>. The content never
    /// crosses the network.
    /// </summary>
    public async Task CopyOnHostAsync(IRemoteShell shell, IReadOnlyList<StagedFile> files, CancellationToken cancellationToken)
    {
        var targets = files.Select(f => (File: f, Full: Resolve(f.Path))).Select(t => (t.File, t.Full, Temp: TemporaryPathFor(t.Full))).ToList();
        foreach (var target in targets)
        {
            DeleteAny(target.Temp);
        }

        try
        {
            foreach (var target in targets)
            {
                (Files as ListedSiteFileSystem)?.Changed(target.Temp);
            }

            using (var input = ShellText.NulSeparated(targets.SelectMany(t => new[] { t.File.StagedPath, t.Temp, FileModes.Octal(t.File.Mode) })))
            {
                var result = await shell.RunAsync(CopyScript, input, cancellationToken);
                if (!result.Succeeded)
                {
                    throw new IOException($"Copying staged files into {Files.Describe(Root)} failed ({result.ExitStatus}): {result.Error.Trim()}");
                }
            }

            var written = targets.Where(t => t.File.Length > 0).ToList();
            var hashes = await RemoteHashes.Sha256AllAsync(shell, "/", written.Select(t => t.Temp.TrimStart('/')).ToList(), cancellationToken);
            if (written.FirstOrDefault(t => hashes.GetValueOrDefault(t.Temp.TrimStart('/')) != t.File.Sha256) is { File.Path: var changed })
            {
                throw new IOException($"The staged copy of '{changed}' changed while it was being copied into the site.");
            }

            foreach (var target in targets)
            {
                ReplaceWithFile(target.File.Path, target.Full);
                Files.Rename(target.Temp, target.Full);
            }
        }
        catch
        {
            foreach (var target in targets)
            {
                DeleteAny(target.Temp);
            }

            throw;
        }
    }

    /// <summary>Makes <paramref name="path"/> a symbolic link to <paramref name="target"/> (the link itself; nothing is followed).</summary>
    public void WriteSymlink(string path, string target)
    {
        var full = Resolve(path);
        switch (Files.Stat(full).Kind)
        {
            case EntryKind.Symlink when Files.ReadLink(full) == target:
                return;
            case EntryKind.Directory:
                DeleteAny(full);
                Forget(path);
                break;
            case EntryKind.File or EntryKind.Symlink:
                Files.DeleteFile(full);
                break;
        }

        Files.CreateSymlink(full, target);
    }

    /// <summary>Deletes a file or symbolic link at <paramref name="path"/>; leaves a directory alone. True when something was deleted.</summary>
    public bool DeleteFileOrLink(string path)
    {
        var full = Resolve(path);
        if (Files.Stat(full).Kind is EntryKind.File or EntryKind.Symlink)
        {
            Files.DeleteFile(full);
            return true;
        }

        return false;
    }

    /// <summary>Deletes the directory at <paramref name="path"/> when it is empty. True when it was deleted.</summary>
    public bool DeleteDirectoryIfEmpty(string path)
    {
        var full = Resolve(path);
        if (Files.Stat(full).Kind != EntryKind.Directory || Files.List(full).Count > 0)
        {
            return false;
        }

        Files.DeleteDirectory(full);
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

    /// <summary>
    /// Gives a file or folder of the site the modification time <paramref name="mtimeNs"/> (nanoseconds since the Unix
    /// epoch) unless it has it already (setting it would change its ctime). On this machine to the nanosecond; on a
    /// remote site files only, to the second (what SFTP carries). Best effort: false when the time could not be set.
    /// </summary>
    public bool SetModified(string path, long mtimeNs, bool isDirectory)
    {
        var full = Resolve(path);
        if (Files is LocalSiteFileSystem)
        {
            return UnixFileStatus.Of(full) is { } status && (status.ModifiedNs == mtimeNs || UnixFileStatus.SetModified(full, mtimeNs));
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(mtimeNs, 1_000_000_000, out var rest) - (rest < 0 ? 1 : 0));
        if (isDirectory || Files.Stat(full) is not { Kind: EntryKind.File } info)
        {
            return false;
        }

        if (info.Modified.ToUnixTimeSeconds() != time.ToUnixTimeSeconds())
        {
            Files.SetModified(full, time);
        }

        return true;
    }

    public void SetDirectoryMode(string path, int mode)
    {
        var full = Resolve(path);
        var info = Files.Stat(full);
        if (info.Kind == EntryKind.Directory && info.Mode != mode)
        {
            Files.SetMode(full, mode);
        }
    }

    /// <summary>Renames a folder of the site (both paths resolved inside it).</summary>
    public void MoveDirectory(string from, string to)
    {
        Files.Rename(Resolve(from), Resolve(to));
        Forget(from);
    }

    /// <summary>Removes a folder or link standing where a file is about to be renamed into place.</summary>
    private void ReplaceWithFile(string path, string full)
    {
        switch (Files.Stat(full).Kind)
        {
            case EntryKind.Directory:
                DeleteAny(full);
                Forget(path);
                break;
            case EntryKind.Symlink:
                Files.DeleteFile(full);
                break;
        }
    }

    /// <summary>The temporary name a file is written under before it is renamed: fixed per target, so a rerun reuses it.</summary>
    private static string TemporaryPathFor(string full)
    {
        var name = Path.GetFileName(full);
        var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];
        return Path.Join(Path.GetDirectoryName(full), $".installatron-{tag}.tmp");
    }

    /// <summary>Removes whatever is at <paramref name="full"/>, a folder with everything in it; links are removed, never followed.</summary>
    private bool DeleteAny(string full) => DeleteAny(Files, full);

    internal static bool DeleteAny(ISiteFileSystem files, string full)
    {
        switch (files.Stat(full).Kind)
        {
            case EntryKind.Directory when files is LocalSiteFileSystem:
                Directory.Delete(full, recursive: true);
                return true;
            case EntryKind.Directory:
                foreach (var entry in files.List(full))
                {
                    DeleteAny(files, Path.Join(full, entry.Name));
                }

                files.DeleteDirectory(full);
                return true;
            case EntryKind.File or EntryKind.Symlink:
                files.DeleteFile(full);
                return true;
            default:
                return false;
        }
    }

    private void Forget(string path) => _safeDirectories.RemoveWhere(d => SitePaths.IsSameOrUnder(d, path));
}
