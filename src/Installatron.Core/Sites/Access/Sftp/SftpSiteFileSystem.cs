using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;

namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// A site's file system on another server, over SFTP (SSH.NET): one SFTP connection for a step, reused for every
/// request, plus a shell connection when the account has a shell. Metadata requests act on the path itself
/// (<see cref="RawSftpSession"/>: lstat, unlink, posix-rename, symlink as written); real paths are the server's own
/// (<c>realpath</c>). Connection failures surface as <see cref="RemoteHostException"/>, a refused login as
/// <see cref="RemoteLoginException"/>; a missing path as <see cref="FileNotFoundException"/> and a refused one as
/// <see cref="UnauthorizedAccessException"/>, as on a local disk.
/// </summary>
public sealed class SftpSiteFileSystem : ISiteFileSystem
{
    private const int MaxSymbolicLinks = 40;

    private readonly SftpClient _client;
    private readonly RawSftpSession _raw;
    private readonly SshShell? _shell;
    private SshClient? _commands;
    private volatile bool _dropped;

    private SftpSiteFileSystem(SshSiteSettings settings, SftpClient client, SshClient? commands, SshShell? shell)
    {
        Settings = settings;
        _client = client;
        _raw = new RawSftpSession(client);
        _commands = commands;
        _shell = shell;
    }

    public SshSiteSettings Settings { get; }

    public IRemoteShell? Shell => _shell;

    /// <summary>
    /// Connects (host key checked against the pinned fingerprint, then login) and looks for a shell unless
    /// <paramref name="useShell"/> is false.
    /// </summary>
    public static async Task<SftpSiteFileSystem> ConnectAsync(SshSiteSettings settings, CancellationToken cancellationToken, bool useShell = true)
    {
        var client = await SshConnector.ConnectAsync(settings, info => new SftpClient(info), cancellationToken);
        try
        {
            client.OperationTimeout = settings.OperationTimeout;
            var (commands, shell) = useShell ? await SshShell.OpenAsync(settings, cancellationToken) : (null, null);
            return new SftpSiteFileSystem(settings, client, commands, shell);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public string Describe(string path) => Settings.Address + path;

    public SiteEntryInfo Stat(string path)
    {
        try
        {
            return InfoOf(Run(() => _raw.LStat(path)));
        }
        catch (FileNotFoundException)
        {
            return SiteEntryInfo.Missing;
        }
    }

    public IReadOnlyList<SiteDirectoryEntry> List(string directory) =>
        Run(() => _raw.ReadDirectory(directory)).Select(e => new SiteDirectoryEntry(e.Key, InfoOf(e.Value))).ToList();

    public string? ReadLink(string path) => Stat(path).Kind == EntryKind.Symlink ? Run(() => _raw.ReadLink(path)) : null;

    /// <summary>The server's realpath; for a path whose tail does not exist yet, the real path of what exists with the rest appended.</summary>
    public string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (var links = 0; ; links++)
        {
            if (Run(() => _raw.RealPath(full)) is { } real && (real != full || Stat(full).Kind != EntryKind.Symlink))
            {
                return missing.Aggregate(real, (current, name) => Path.Join(current, name));
            }

            if (links > MaxSymbolicLinks)
            {
                throw new UnsafePathException($"The path '{Describe(path)}' goes through too many symbolic links.");
            }

            // Nothing there (or a link to nothing): resolve the folder above and keep the name.
            var parent = Path.GetDirectoryName(full);
            if (parent is null)
            {
                return missing.Aggregate("/", (current, name) => Path.Join(current, name));
            }

            var name = Path.GetFileName(full);
            if (Stat(full).Kind == EntryKind.Symlink && Run(() => _raw.ReadLink(full)) is { } target)
            {
                full = Path.GetFullPath(target, parent);
                continue;
            }

            missing.Push(name);
            full = parent;
        }
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) =>
        await RunAsync(() => _client.OpenAsync(path, FileMode.Open, FileAccess.Read, cancellationToken));

    public async Task<Stream> CreateNewAsync(string path, CancellationToken cancellationToken) =>
        await RunAsync(() => _client.OpenAsync(path, FileMode.CreateNew, FileAccess.Write, cancellationToken));

    public async Task<(string Sha256, long Length)> WriteNewAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        await using var hashing = new HashingStream(content);

        // UploadFile pipelines its writes; without overriding, the file is opened with O_CREAT|O_EXCL: never through a link.
        await RunAsync(async () =>
        {
            await _client.UploadFileAsync(hashing, path, false, null, cancellationToken);
            return true;
        });
        return (hashing.Sha256(), hashing.BytesTransferred);
    }

    public void Rename(string from, string to) => Run(() => _raw.PosixRename(from, to));

    public void DeleteFile(string path) => Run(() => _raw.Remove(path));

    public void DeleteDirectory(string path) => Run(() => _raw.RmDir(path));

    public void CreateDirectory(string path) => Run(() => _raw.MkDir(path));

    public void SetMode(string path, int mode)
    {
        var attributes = Run(() => _raw.LStat(path));
        attributes.SetPermissions(short.Parse(Convert.ToString(mode & FileModes.Mask, 8), System.Globalization.CultureInfo.InvariantCulture));
        Run(() => _raw.SetStat(path, attributes));
    }

    public void SetModified(string path, DateTimeOffset modified)
    {
        var attributes = Run(() => _raw.LStat(path));
        attributes.LastWriteTimeUtc = modified.UtcDateTime;
        Run(() => _raw.SetStat(path, attributes));
    }

    public void CreateSymlink(string path, string target) => Run(() => _raw.SymLink(path, target));

    public long? FreeSpace(string path)
    {
        try
        {
            var info = Run(() => _raw.StatVfs(path));
            return (long)(info.AvailableBlocks * info.BlockSize);
        }
        catch (IOException)
        {
            // The server has no statvfs@openssh.com.
            return null;
        }
    }

    /// <summary>
    /// A port on this machine's loopback that reaches <paramref name="host"/>:<paramref name="port"/> as the server sees
    /// it (SSH local port forwarding over the command connection, open until this file system is disposed). The far
    /// end is only dialled when a client connects; when it refuses, that client's connection is closed.
    /// </summary>
    public async Task<int> ForwardAsync(string host, int port, CancellationToken cancellationToken)
    {
        _commands ??= await SshConnector.ConnectAsync(Settings, info => new SshClient(info), cancellationToken);
        var forwarded = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        try
        {
            _commands.AddForwardedPort(forwarded);
            forwarded.Start();
            return (int)forwarded.BoundPort;
        }
        catch (Exception e) when (SshConnector.Dropped(Settings, e) is RemoteHostException dropped)
        {
            _dropped = true;
            throw dropped;
        }
    }

    /// <summary>Connected, not disposed, and no request lost its connection: fit to serve another step.</summary>
    public bool IsSound => !_dropped && _client.IsConnected && (_commands is null || _commands.IsConnected);

    /// <summary>One SFTP round trip, within the connect timeout: whether a connection that waited still answers.</summary>
    public async Task<bool> IsAliveAsync(CancellationToken cancellationToken)
    {
        if (!IsSound)
        {
            return false;
        }

        try
        {
            await Task.Run(() => _raw.RealPath("."), cancellationToken).WaitAsync(Settings.ConnectTimeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops every forwarded port (a connection kept for another step leaves no database reachable); false when one would not stop.</summary>
    public bool CloseForwardedPorts()
    {
        if (_commands is null)
        {
            return true;
        }

        try
        {
            foreach (var port in _commands.ForwardedPorts.ToList())
            {
                port.Stop();
                _commands.RemoveForwardedPort(port);
            }

            return true;
        }
        catch (Exception e) when (e is SshException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _dropped = true;
        _commands?.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static SiteEntryInfo InfoOf(SftpFileAttributes attributes)
    {
        if (attributes.IsSymbolicLink)
        {
            return new SiteEntryInfo(EntryKind.Symlink, 0, FileModes.Symlink, default);
        }

        var mode = (attributes.OwnerCanRead ? 0x100 : 0) | (attributes.OwnerCanWrite ? 0x80 : 0) | (attributes.OwnerCanExecute ? 0x40 : 0)
            | (attributes.GroupCanRead ? 0x20 : 0) | (attributes.GroupCanWrite ? 0x10 : 0) | (attributes.GroupCanExecute ? 0x8 : 0)
            | (attributes.OthersCanRead ? 0x4 : 0) | (attributes.OthersCanWrite ? 0x2 : 0) | (attributes.OthersCanExecute ? 0x1 : 0)
            | (attributes.IsUIDBitSet ? 0x800 : 0) | (attributes.IsGroupIDBitSet ? 0x400 : 0) | (attributes.IsStickyBitSet ? 0x200 : 0);
        return attributes.IsDirectory
            ? new SiteEntryInfo(EntryKind.Directory, 0, mode, default)
            : new SiteEntryInfo(EntryKind.File, attributes.IsRegularFile ? attributes.Size : 0, mode, new DateTimeOffset(attributes.LastWriteTimeUtc, TimeSpan.Zero));
    }

    private T Run<T>(Func<T> request)
    {
        try
        {
            return request();
        }
        catch (Exception e)
        {
            throw Translate(e);
        }
    }

    private void Run(Action request) => Run(() =>
    {
        request();
        return true;
    });

    private async Task<T> RunAsync<T>(Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception e)
        {
            throw Translate(e);
        }
    }

    private Exception Translate(Exception e)
    {
        var translated = TranslateFailure(e);
        _dropped |= translated is RemoteHostException;
        return translated;
    }

    private Exception TranslateFailure(Exception e) => e switch
    {
        SftpPathNotFoundException => new FileNotFoundException(e.Message, e),
        SftpPermissionDeniedException => new UnauthorizedAccessException(e.Message, e),
        SshConnectionException or SshOperationTimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException => SshConnector.Dropped(Settings, e),
        SshException => new IOException($"The server {Settings.Address} refused the request: {e.Message}", e),
        _ => e,
    };
}
