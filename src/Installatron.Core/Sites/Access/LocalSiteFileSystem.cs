using System.IO.Enumeration;

namespace Installatron.Core.Sites.Access;

/// <summary>The file system of this machine, through System.IO; what the engine always did.</summary>
public sealed class LocalSiteFileSystem : ISiteFileSystem
{
    private const int MaxSymbolicLinks = 40;

    private static readonly EnumerationOptions Children = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
        MatchType = MatchType.Simple,
    };

    private LocalSiteFileSystem()
    {
    }

    public static LocalSiteFileSystem Instance { get; } = new();

    public IRemoteShell? Shell => null;

    public string Describe(string path) => path;

    public SiteEntryInfo Stat(string path) => InfoOf(new FileInfo(path));

    public IReadOnlyList<SiteDirectoryEntry> List(string directory) =>
        OperatingSystem.IsLinux()
            ? ListWithStatus(directory).Select(e => new SiteDirectoryEntry(e.Name, e.Info)).ToList()
            : new DirectoryInfo(directory).EnumerateFileSystemInfos("*", Children).Select(info => new SiteDirectoryEntry(info.Name, InfoOf(info))).ToList();

    /// <summary>
    /// A folder's entries (Linux), each described by one <c>statx</c> of it (not through a link): what <see cref="List"/>
    /// gives, plus the status the stat cache keys on (null when statx could not give it).
    /// </summary>
    internal static IEnumerable<(string Name, SiteEntryInfo Info, UnixFileStatus? Status)> ListWithStatus(string directory) =>
        new FileSystemEnumerable<(string Name, UnixFileStatus? Status, int StatMode)>(directory, Describe, Children)
            .Select(e => (e.Name, e.Status is { } known ? UnixFileStatus.InfoOf(known, e.StatMode) : InfoOf(new FileInfo(Path.Join(directory, e.Name))), e.Status));

    /// <summary>
    /// An entry's name and the <c>statx</c> of it, taken as the folder is read (its path never made a string). Anything
    /// statx cannot say in full (an entry gone since, an error) is described as .NET describes it.
    /// </summary>
    private static (string Name, UnixFileStatus? Status, int StatMode) Describe(ref FileSystemEntry entry)
    {
        var folder = entry.Directory;
        var name = entry.FileName;
        Span<char> full = stackalloc char[folder.Length + name.Length + 1];
        folder.CopyTo(full);
        full[folder.Length] = '/';
        name.CopyTo(full[(folder.Length + 1)..]);
        var status = UnixFileStatus.Of(full, out var statMode);
        return (name.ToString(), status, statMode);
    }

    public string? ReadLink(string path) => new FileInfo(path).LinkTarget;

    public string RealPath(string path)
    {
        var pending = new Stack<string>();
        Push(pending, Path.GetFullPath(path));
        var current = "/";
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, segment);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxSymbolicLinks)
            {
                throw new UnsafePathException($"The path '{path}' goes through too many symbolic links.");
            }

            Push(pending, target);
            if (Path.IsPathRooted(target))
            {
                current = "/";
            }
        }

        return current;

        static void Push(Stack<string> stack, string text)
        {
            var parts = text.Split('/');
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                stack.Push(parts[i]);
            }
        }
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) => Task.FromResult<Stream>(OpenRead(path));

    public Task<Stream> CreateNewAsync(string path, CancellationToken cancellationToken) => Task.FromResult<Stream>(CreateNew(path));

    public async Task<(string Sha256, long Length)> WriteNewAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        await using var output = CreateNew(path);
        return await SiteFiles.CopyAsync(content, output, cancellationToken);
    }

    public void Rename(string from, string to)
    {
        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null)
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to, overwrite: true);
        }
    }

    public void DeleteFile(string path) => File.Delete(path);

    public void DeleteDirectory(string path) => Directory.Delete(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void SetMode(string path, int mode) => FileModes.Set(path, mode);

    public void SetModified(string path, DateTimeOffset modified) => File.SetLastWriteTimeUtc(path, modified.UtcDateTime);

    public void CreateSymlink(string path, string target) => File.CreateSymbolicLink(path, target);

    public long? FreeSpace(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A local file opened for sequential reading, sharing it with writers (as every read of the engine does).</summary>
    public static FileStream OpenRead(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.ReadWrite | FileShare.Delete,
        BufferSize = 0,
        Options = FileOptions.SequentialScan,
    });

    /// <summary>Creates a new file; fails when anything (a file, a symbolic link) is already there, so it never writes through a link.</summary>
    /// <remarks>No preallocation: on a filesystem mounted with <c>discard</c> it makes deleting freshly written files far slower.</remarks>
    public static FileStream CreateNew(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 0,
    });

    private static SiteEntryInfo InfoOf(FileSystemInfo info)
    {
        var attributes = info.Attributes;
        if ((int)attributes == -1)
        {
            return SiteEntryInfo.Missing;
        }

        if (attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return new SiteEntryInfo(EntryKind.Symlink, 0, FileModes.Symlink, default);
        }

        if (attributes.HasFlag(FileAttributes.Directory))
        {
            return new SiteEntryInfo(EntryKind.Directory, 0, FileModes.Of(info as DirectoryInfo ?? new DirectoryInfo(info.FullName)), default);
        }

        var file = info as FileInfo ?? new FileInfo(info.FullName);
        return new SiteEntryInfo(EntryKind.File, file.Length, FileModes.Of(file), file.LastWriteTimeUtc);
    }
}
