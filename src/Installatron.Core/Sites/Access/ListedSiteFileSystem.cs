namespace Installatron.Core.Sites.Access;

/// <summary>
/// A remote site's file system whose lstat answers, for paths under one root, come from one listing taken on its host
/// (<c>find</c> through the shell) instead of one round trip per path: a path the listing does not hold was not there.
/// Every change made through this file system marks its path (and whatever is under it) as changed, asked of the
/// server again from then on; a caller that changes paths through the shell says so with <see cref="Changed"/>.
/// Everything else goes to the file system it wraps, which it does not own.
/// </summary>
internal sealed class ListedSiteFileSystem : ISiteFileSystem
{
    private readonly ISiteFileSystem _inner;
    private readonly string _root;
    private readonly Dictionary<string, SiteEntryInfo> _listed;
    private readonly List<string> _changed = [];

    private ListedSiteFileSystem(ISiteFileSystem inner, string root, Dictionary<string, SiteEntryInfo> listed)
    {
        _inner = inner;
        _root = root;
        _listed = listed;
    }

    /// <summary>The real folders the listing found under the root (relative paths): no link on the way to check.</summary>
    public IEnumerable<string> Directories => _listed.Where(e => e.Value.Kind == EntryKind.Directory).Select(e => e.Key);

    /// <summary>
    /// <paramref name="files"/> with <paramref name="root"/> (a real path) listed in one command when it is a remote
    /// file system with a shell; <paramref name="files"/> itself otherwise (on this machine an lstat is cheap).
    /// </summary>
    public static async Task<ISiteFileSystem> ListAsync(ISiteFileSystem files, string root, CancellationToken cancellationToken)
    {
        if (files is LocalSiteFileSystem or ListedSiteFileSystem || !RemoteListing.IsAvailable(files.Shell))
        {
            return files;
        }

        var listed = (await RemoteListing.ListAsync(files.Shell!, root, [], cancellationToken, plainOnly: false))!;
        return new ListedSiteFileSystem(files, root, listed.ToDictionary(l => l.Path, l => l.Info, StringComparer.Ordinal));
    }

    public IRemoteShell? Shell => _inner.Shell;

    public string Describe(string path) => _inner.Describe(path);

    public SiteEntryInfo Stat(string path)
    {
        if (RelativeOf(path) is not { } relative || _changed.Any(c => SitePaths.IsSameOrUnder(relative, c)))
        {
            return _inner.Stat(path);
        }

        return _listed.TryGetValue(relative, out var info) ? info : SiteEntryInfo.Missing;
    }

    /// <summary>Records that <paramref name="path"/> (and whatever is under it) may have changed.</summary>
    public void Changed(string path)
    {
        if (RelativeOf(path) is { } relative)
        {
            _changed.Add(relative);
        }
    }

    public IReadOnlyList<SiteDirectoryEntry> List(string directory) => _inner.List(directory);

    public string? ReadLink(string path) => _inner.ReadLink(path);

    public string RealPath(string path) => _inner.RealPath(path);

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) => _inner.OpenReadAsync(path, cancellationToken);

    public Task<Stream> CreateNewAsync(string path, CancellationToken cancellationToken) => Changing(path, () => _inner.CreateNewAsync(path, cancellationToken));

    public Task<(string Sha256, long Length)> WriteNewAsync(string path, Stream content, CancellationToken cancellationToken) =>
        Changing(path, () => _inner.WriteNewAsync(path, content, cancellationToken));

    public void Rename(string from, string to)
    {
        Changed(to);
        Changing(from, () => _inner.Rename(from, to));
    }

    public void DeleteFile(string path) => Changing(path, () => _inner.DeleteFile(path));

    public void DeleteDirectory(string path) => Changing(path, () => _inner.DeleteDirectory(path));

    public void CreateDirectory(string path) => Changing(path, () => _inner.CreateDirectory(path));

    public void SetMode(string path, int mode) => Changing(path, () => _inner.SetMode(path, mode));

    public void SetModified(string path, DateTimeOffset modified) => Changing(path, () => _inner.SetModified(path, modified));

    public void CreateSymlink(string path, string target) => Changing(path, () => _inner.CreateSymlink(path, target));

    public long? FreeSpace(string path) => _inner.FreeSpace(path);

    /// <summary>The wrapped file system is the caller's: nothing to close here.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private T Changing<T>(string path, Func<T> change)
    {
        Changed(path);
        return change();
    }

    private void Changing(string path, Action change)
    {
        Changed(path);
        change();
    }

    private string? RelativeOf(string full) =>
        full.Length > _root.Length + 1 && full.StartsWith(_root, StringComparison.Ordinal) && full[_root.Length] == '/' ? full[(_root.Length + 1)..] : null;
}
