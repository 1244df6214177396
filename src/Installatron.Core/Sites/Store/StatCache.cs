using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// A hint kept beside an install's backup documents (<c>{install}/stat-cache</c>): for each file of the site its device,
/// inode, size, modification and change times (nanoseconds) and SHA-256 when the last backup read it. A file whose lstat
/// still says exactly that is not read again. Only files on this machine are cached (their lstat gives those fields);
/// a file whose times are not strictly older than the moment its backup began is not cached at all (it may have changed
/// again within the file system's timestamp granularity: git's "racy" case). A cache that is missing, torn, from another
/// site root or of an unknown format is ignored: every file is read. See docs/site-files.md, "Stat cache".
/// </summary>
internal sealed class StatCache
{
    public const string FileName = "stat-cache";
    private const string Format = "installatron-stat-cache/1";
    private const long MaxSize = 1L << 30;

    private readonly Dictionary<string, Entry> _previous;
    private readonly List<KeyValuePair<string, Entry>> _next;
    private readonly string _path;
    private readonly string _root;
    private readonly string _partial;
    private readonly long _began;
    private int _unchanged;

    private StatCache(string path, string root, Dictionary<string, Entry> previous, string partial, long began)
    {
        _path = path;
        _root = root;
        _previous = previous;
        _next = new(previous.Count);
        _partial = partial;
        _began = began;
    }

    /// <summary>Hits: files whose content was not read because the cache knew it.</summary>
    public long Hits { get; private set; }

    /// <summary>
    /// Loads the cache of the install whose documents are in <paramref name="folder"/> for the site at
    /// <paramref name="root"/>, and marks the moment this backup begins (on the file system's own clock).
    /// </summary>
    public static async Task<StatCache> BeginAsync(string folder, string root, CancellationToken cancellationToken)
    {
        ContentStore.RequireRealDirectory(folder);
        var path = Path.Join(folder, FileName);
        var previous = await ReadAsync(path, root, cancellationToken) ?? new Dictionary<string, Entry>(StringComparer.Ordinal);

        // The new cache's file, created now: its time is when this backup began, as the file system counts time.
        var partial = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}{SiteBackup.PartialSuffix}";
        await File.WriteAllBytesAsync(partial, [], cancellationToken);
        var began = UnixFileStatus.Of(partial) is { } stamp ? Math.Max(stamp.ModifiedNs, stamp.ChangedNs) : long.MinValue;
        return new StatCache(path, root, previous, partial, began);
    }

    /// <summary>
    /// The cache of the install whose documents are in <paramref name="folder"/>, for a restore of the site at
    /// <paramref name="root"/> to look files up in (nothing is recorded); null when there is none to trust.
    /// </summary>
    public static async Task<StatCache?> ReadOnlyAsync(string folder, string root, CancellationToken cancellationToken) =>
        await ReadAsync(Path.Join(folder, FileName), root, cancellationToken) is { } previous
            ? new StatCache(Path.Join(folder, FileName), root, previous, partial: "", began: long.MinValue)
            : null;

    /// <summary>
    /// True when the file at <paramref name="fullPath"/> is, by its lstat now, the one a backup hashed with the size,
    /// mode and SHA-256 <paramref name="wanted"/> lists (the trust a backup gives the cache, no more); its modification
    /// time then is <paramref name="modifiedNs"/>.
    /// </summary>
    public bool Confirms(string fullPath, ManifestEntry wanted, out long modifiedNs)
    {
        modifiedNs = 0;
        if (UnixFileStatus.Of(fullPath, out var mode) is not { IsRegularFile: true } status || status.Size != wanted.Size || (mode & FileModes.Mask) != wanted.Mode
            || Lookup(wanted.Path, status) != wanted.Sha256)
        {
            return false;
        }

        modifiedNs = status.ModifiedNs;
        return true;
    }

    /// <summary>The SHA-256 of every content the cache read names.</summary>
    public IEnumerable<string> Hashes() => _previous.Values.Select(e => e.Sha256);

    /// <summary>The SHA-256 the last backup read for <paramref name="path"/> when its status is unchanged; null otherwise.</summary>
    public string? Lookup(string path, UnixFileStatus status)
    {
        if (!_previous.TryGetValue(path, out var known) || known.Status != status)
        {
            return null;
        }

        Hits++;
        return known.Sha256;
    }

    /// <summary>Remembers <paramref name="path"/> for the next backup, unless it changed so recently that its times cannot tell.</summary>
    public void Record(string path, UnixFileStatus status, string sha256) => Add(path, status, sha256);

    /// <summary>
    /// <see cref="Record"/> of what <see cref="Lookup"/> just answered for <paramref name="path"/>: the entry the cache
    /// read holds (counted, so that saving an unchanged site's cache compares no entries).
    /// </summary>
    public void RecordUnchanged(string path, UnixFileStatus status, string sha256)
    {
        if (Add(path, status, sha256))
        {
            _unchanged++;
        }
    }

    private bool Add(string path, UnixFileStatus status, string sha256)
    {
        if (status.ModifiedNs >= _began || status.ChangedNs >= _began)
        {
            return false;
        }

        _next.Add(new(path, new Entry(status, sha256)));
        return true;
    }

    /// <summary>
    /// Replaces the cache with what this backup recorded (call once its document is published); when that is exactly
    /// what the cache read held (an unchanged site backed up again), the file is left as it is.
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_partial.Length == 0)
        {
            throw new InvalidOperationException("A stat cache opened for a restore is not saved.");
        }

        // Each path is recorded once: when every entry read was recorded unchanged and nothing else was, the cache is the same.
        if (_unchanged == _previous.Count && _next.Count == _previous.Count)
        {
            File.Delete(_partial);
            return;
        }

        await using (var file = new FileStream(_partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            using var body = new MemoryStream();
            await using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Format);
                writer.Write(_root);
                writer.Write(_next.Count);
                foreach (var (path, entry) in _next)
                {
                    writer.Write(path);
                    writer.Write(entry.Status.Device);
                    writer.Write(entry.Status.Inode);
                    writer.Write(entry.Status.Size);
                    writer.Write(entry.Status.ModifiedNs);
                    writer.Write(entry.Status.ChangedNs);
                    writer.Write(Convert.FromHexString(entry.Sha256));
                }
            }

            body.Position = 0;
            await body.CopyToAsync(gzip, cancellationToken);
            await gzip.WriteAsync(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)), cancellationToken);
        }

        File.Move(_partial, _path, overwrite: true);
    }

    /// <summary>Removes the new cache's file when the backup did not get as far as saving it.</summary>
    public void Abandon()
    {
        if (_partial.Length > 0)
        {
            File.Delete(_partial);
        }
    }

    private static Task<Dictionary<string, Entry>?> ReadAsync(string path, string root, CancellationToken cancellationToken) =>
        Task.Run(() => Read(path, root), cancellationToken);

    /// <summary>
    /// Parses the cache as it is inflated (never held whole in memory: no large buffers for the collector to sweep),
    /// hashing it on the way; trusted only when the hash at its end is the hash of all before it and nothing follows.
    /// </summary>
    private static Dictionary<string, Entry>? Read(string path, string root)
    {
        // The account's owner can write here: only a regular file is read (a FIFO would block the backup).
        if (UnixFileStatus.Of(path) is not { IsRegularFile: true })
        {
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var body = new HashingStream(gzip, unhashedTail: SHA256.HashSizeInBytes);
            using var buffered = new BufferedStream(body, 1 << 16);
            using var reader = new BinaryReader(buffered, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadString() != Format || reader.ReadString() != root)
            {
                return null;
            }

            var count = reader.ReadInt32();
            if (count < 0)
            {
                return null;
            }

            var entries = new Dictionary<string, Entry>(Math.Min(count, 1 << 20), StringComparer.Ordinal);
            Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
            for (var i = 0; i < count; i++)
            {
                // Written by the home's owner as much as by us: a "cache" that inflates without end is not one.
                if (body.BytesTransferred > MaxSize)
                {
                    return null;
                }

                var relative = reader.ReadString();
                var status = new UnixFileStatus(true, reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                buffered.ReadExactly(sha256);
                entries[relative] = new Entry(status, Convert.ToHexStringLower(sha256));
            }

            // At the end of the body the stream's last bytes are the trailer: all read before them is what was hashed.
            var trailer = Convert.ToHexStringLower(reader.ReadBytes(SHA256.HashSizeInBytes));
            return buffered.ReadByte() == -1 && trailer == body.Sha256() ? entries : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or UnauthorizedAccessException or InvalidDataException or FormatException
            or ArgumentException)
        {
            return null;
        }
    }

    private readonly record struct Entry(UnixFileStatus Status, string Sha256);
}
