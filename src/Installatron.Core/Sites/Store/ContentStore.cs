using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Installatron.Core.Sites.Access;
using ZstdSharp;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// The content-addressed backup store of one account, on this machine's disk: every content once, by its SHA-256,
/// compressed with zstd (<c>.store/objects/ab/&lt;sha256&gt;.zst</c>), and one document per backup
/// (<c>{install}/{task}.json</c>, <see cref="StoredBackup"/>) that lists the site's entries and says where each content is.
/// An object is written to <c>.store/tmp/</c> while it is hashed, then renamed into place under its hash: an object under
/// its final name is complete and holds exactly the content its name says. See docs/site-files.md, "Backup store".
/// </summary>
public sealed partial class ContentStore
{
    public const string StoreFolder = ".store";
    public const string DocumentSuffix = ".json";
    public const int CompressionLevel = 1;

    /// <summary>Files up to this size are read once into memory, hashed, and compressed only when the store lacks them.</summary>
    public const int SmallFile = 1 << 20;

    private ContentStore(string root)
    {
        Root = root;
        ObjectsFolder = Path.Join(Root, StoreFolder, "objects");
    }

    /// <summary>The store's folder (<c>~/.appdata/backups</c> for an account's local backups).</summary>
    public string Root { get; }

    public string ObjectsFolder { get; }

    internal string TemporaryFolder => Path.Join(Root, StoreFolder, "tmp");

    internal string PackagesFolder => Path.Join(Root, StoreFolder, "packages");

    internal string LockPath => Path.Join(Root, StoreFolder, "lock");

    /// <summary>Opens (creating its folders) the store at <paramref name="root"/>.</summary>
    /// <remarks>
    /// The store lies in the account's home, which its owner can change: its own folders must be real folders, never
    /// symbolic links (<see cref="UnsafePathException"/>), so nothing is written, read for a collection or removed
    /// elsewhere through them. <paramref name="root"/> itself is resolved by the caller (inside the account's home).
    /// </remarks>
    public static ContentStore Open(string root)
    {
        var store = new ContentStore(Path.GetFullPath(root));
        foreach (var folder in new[] { Path.Join(store.Root, StoreFolder), store.ObjectsFolder, store.TemporaryFolder, store.PackagesFolder })
        {
            RequireRealDirectory(folder);
        }

        return store;
    }

    /// <summary>Creates <paramref name="path"/> if missing; refuses it when it is a symbolic link or not a folder.</summary>
    internal static void RequireRealDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        if (!info.Exists && info.LinkTarget is null && !File.Exists(path))
        {
            info.Create();
            info.Refresh();
        }

        if (info.LinkTarget is not null || !info.Exists)
        {
            throw new UnsafePathException($"The backup store's folder '{path}' is a symbolic link or not a folder.");
        }
    }

    /// <summary>Where the document of an install's backup taken by a task lives.</summary>
    public string DocumentPath(string installId, string taskId) => Path.Join(Root, installId, taskId + DocumentSuffix);

    public string ObjectPath(string sha256) =>
        string.Create(ObjectPathLength(sha256), (this, sha256), (chars, state) => state.Item1.FillObjectPath(chars, state.sha256));

    /// <summary><c>{objects}/ab/&lt;sha256&gt;.zst</c>: the one place an object's path is spelled.</summary>
    private void FillObjectPath(Span<char> path, string sha256)
    {
        ObjectsFolder.CopyTo(path);
        var at = ObjectsFolder.Length;
        path[at++] = '/';
        sha256.AsSpan(0, 2).CopyTo(path[at..]);
        at += 2;
        path[at++] = '/';
        sha256.CopyTo(path[at..]);
        ".zst".CopyTo(path[(at + sha256.Length)..]);
    }

    private int ObjectPathLength(string sha256) => ObjectsFolder.Length + sha256.Length + 8;

    /// <summary>
    /// True when the store holds <paramref name="sha256"/> (then not written again). Backups hold the store's lock while
    /// they write, so a collection never removes an object between this check and the document that names it.
    /// </summary>
    public bool Reuse(string sha256) => Contains(sha256);

    /// <remarks>One <c>statx</c> (a second backup asks this of every object it names): only a regular file counts.</remarks>
    public bool Contains(string sha256)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(ObjectPath(sha256));
        }

        // ObjectPath's characters, without making a string of them.
        Span<char> path = stackalloc char[ObjectPathLength(sha256)];
        FillObjectPath(path, sha256);
        return UnixFileStatus.Of(path, out _) is { IsRegularFile: true };
    }

    /// <summary>
    /// Stores <paramref name="content"/>, whose SHA-256 the caller computed, unless the store holds it; returns whether it
    /// was written. <paramref name="compressor"/> gives the caller's, reused from one content to the next.
    /// </summary>
    internal async Task<bool> PutAsync(ReadOnlyMemory<byte> content, string sha256, Func<Compressor> compressor, CancellationToken cancellationToken)
    {
        if (Reuse(sha256))
        {
            return false;
        }

        var temp = TemporaryPath();
        var compressed = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(content.Length));
        try
        {
            var length = compressor().Wrap(content.Span, compressed);
            await using (var file = CreateTemporary(temp))
            {
                await file.WriteAsync(compressed.AsMemory(0, length), cancellationToken);
            }

            Publish(temp, sha256);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            File.Delete(temp);
        }
    }

    /// <summary>Stores what <paramref name="content"/> holds, hashing it as it is written; returns its SHA-256, length and whether it was new.</summary>
    internal async Task<(string Sha256, long Length, bool Written)> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        var temp = TemporaryPath();
        try
        {
            string sha256;
            long length;
            await using (var file = CreateTemporary(temp))
            {
                await using (var zstd = new CompressionStream(file, CompressionLevel, leaveOpen: true))
                {
                    (sha256, length) = await SiteFiles.CopyAsync(content, zstd, cancellationToken);
                }
            }

            if (Reuse(sha256))
            {
                return (sha256, length, false);
            }

            Publish(temp, sha256);
            return (sha256, length, true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Flushes what was written to the store's file system to disk, before a document that names it is published: one
    /// <c>syncfs(2)</c> rather than an <c>fsync</c> per object (thousands for a first backup).
    /// </summary>
    internal void FlushToDisk()
    {
        using var handle = File.OpenHandle(LockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        if (SyncFs((int)handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"syncfs of the backup store '{Root}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    /// <summary>The content of <paramref name="sha256"/>, decompressed (the reader checks the hash and length it expects).</summary>
    public Stream OpenRead(string sha256)
    {
        var file = new FileStream(ObjectPath(sha256), new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 1 << 16,
            Options = FileOptions.SequentialScan,
        });
        return new DecompressionStream(file, leaveOpen: false);
    }

    /// <summary>Every object's hash, with its size on disk and time (for a collection).</summary>
    public IEnumerable<(string Sha256, string Path, long Size, DateTime Modified)> Objects()
    {
        // Links (to folders or files) are skipped: a collection never reads or removes anything through one.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var info in new DirectoryInfo(ObjectsFolder).EnumerateFiles("*.zst", options))
        {
            yield return (info.Name[..^4], info.FullName, info.Length, info.LastWriteTimeUtc);
        }
    }

    /// <summary>
    /// Holds the store for a writer (shared) or for a collection (exclusive) until disposed: a backup being written and
    /// a collection never overlap. A writer waits for a running collection; a collection gives up (null) while any
    /// writer holds the store.
    /// </summary>
    internal async Task<IDisposable> EnterWriterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryLock(FileShare.ReadWrite) is { } held)
            {
                return held;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    internal IDisposable? TryEnterCollector() => TryLock(FileShare.None);

    private FileStream? TryLock(FileShare share)
    {
        try
        {
            return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string TemporaryPath() => Path.Join(TemporaryFolder, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + ".tmp");

    private static FileStream CreateTemporary(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 1 << 16,
    });

    private void Publish(string temp, string sha256)
    {
        var path = ObjectPath(sha256);
        RequireRealDirectory(Path.GetDirectoryName(path)!);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A pooled buffer holding a small file's content.</summary>
    internal static byte[] Rent() => ArrayPool<byte>.Shared.Rent(SmallFile);

    internal static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}
