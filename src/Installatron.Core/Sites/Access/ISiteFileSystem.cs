namespace Installatron.Core.Sites.Access;

/// <summary>What is at a path, without following a symbolic link there (lstat).</summary>
public sealed record SiteEntryInfo(EntryKind Kind, long Size, int Mode, DateTimeOffset Modified)
{
    public static SiteEntryInfo Missing { get; } = new(EntryKind.Missing, 0, 0, default);
}

/// <summary>One entry of a folder listing, with its lstat information.</summary>
public sealed record SiteDirectoryEntry(string Name, SiteEntryInfo Info);

/// <summary>
/// The file system a site lives on: this machine's (<see cref="LocalSiteFileSystem"/>) or a server reached over SSH
/// (<see cref="Sftp.SftpSiteFileSystem"/>). Paths are absolute POSIX paths on that system. Every operation acts on the
/// path itself and never follows a symbolic link in its last component, except <see cref="OpenRead"/> (reading a file
/// the engine found to be a regular file) and <see cref="RealPath"/>. Metadata operations are synchronous (one round
/// trip each); content is streamed.
/// </summary>
public interface ISiteFileSystem : IAsyncDisposable
{
    /// <summary>How messages name a path of this system (<c>/home/a/site</c>, <c>sftp://a@host:22/home/a/site</c>).</summary>
    string Describe(string path);

    /// <summary>lstat: <see cref="SiteEntryInfo.Missing"/> when nothing is there.</summary>
    SiteEntryInfo Stat(string path);

    /// <summary>The entries of a folder (not "." and ".."), each with its lstat information, in no particular order.</summary>
    IReadOnlyList<SiteDirectoryEntry> List(string directory);

    /// <summary>A symbolic link's target as written; <c>null</c> when the path is not a link.</summary>
    string? ReadLink(string path);

    /// <summary>The physical path: every symbolic link on it resolved (a missing tail is kept as is).</summary>
    string RealPath(string path);

    /// <summary>Opens a file for sequential reading.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Creates a new file for writing; fails when anything (a file, a link) is already there, so it never writes through a link.</summary>
    Task<Stream> CreateNewAsync(string path, CancellationToken cancellationToken);

    /// <summary>Creates a new file (as <see cref="CreateNewAsync"/>) holding <paramref name="content"/>; returns its SHA-256 and length.</summary>
    Task<(string Sha256, long Length)> WriteNewAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/> (a file or a link there is replaced, never followed).</summary>
    void Rename(string from, string to);

    /// <summary>Removes a file or a symbolic link (the link itself).</summary>
    void DeleteFile(string path);

    /// <summary>Removes an empty folder.</summary>
    void DeleteDirectory(string path);

    /// <summary>Creates one folder (its parent must exist).</summary>
    void CreateDirectory(string path);

    /// <summary>Sets the permission bits of a path known to be a real file or folder.</summary>
    void SetMode(string path, int mode);

    /// <summary>Sets the modification time of a path known to be a real file.</summary>
    void SetModified(string path, DateTimeOffset modified);

    /// <summary>Creates a symbolic link at <paramref name="path"/> whose target is <paramref name="target"/>, as written.</summary>
    void CreateSymlink(string path, string target);

    /// <summary>Bytes free for this account on the file system holding <paramref name="path"/>; <c>null</c> when the server does not say.</summary>
    long? FreeSpace(string path);

    /// <summary>Commands on the host, when the account has a shell with the tools the engine uses there; <c>null</c> otherwise.</summary>
    IRemoteShell? Shell { get; }
}

/// <summary>
/// A POSIX shell on the host that holds the site (an SSH account with a shell). The engine uses it, when present, to
/// do heavy work where the files are (archive, hash, unpack) so site bytes do not cross the network.
/// </summary>
public interface IRemoteShell
{
    /// <summary>The tools found on the host's PATH (<c>tar</c>, <c>sha256sum</c>, …; <c>gnu-tar</c> when tar is GNU tar).</summary>
    IReadOnlySet<string> Tools { get; }


    /// <summary>Runs <paramref name="script"/> with <c>/bin/sh</c>, feeding it <paramref name="input"/>; returns its exit status, standard output and standard error.</summary>
    Task<ShellResult> RunAsync(string script, Stream? input, CancellationToken cancellationToken);
}

/// <summary>What a shell command printed and how it ended.</summary>
public sealed record ShellResult(int ExitStatus, byte[] Output, string Error)
{
    public bool Succeeded => ExitStatus == 0;
}
