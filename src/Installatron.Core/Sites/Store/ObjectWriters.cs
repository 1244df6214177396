using ZstdSharp;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// Compresses and writes a backup's new small contents into the store on the machine's other cores while the backup
/// goes on reading and hashing the site (compression is most of a first backup's work). At most
/// <see cref="Workers"/> contents (one pooled buffer each) are in flight; a content this backup already handed over
/// is not written twice. A failed write surfaces at the next hand-over or at <see cref="CompleteAsync"/>.
/// </summary>
internal sealed class ObjectWriters(ContentStore store) : IAsyncDisposable
{
    public static int Workers => Environment.ProcessorCount;

    private readonly SemaphoreSlim _slots = new(Workers);
    private readonly Stack<Compressor> _compressors = new();
    private readonly HashSet<string> _handedOver = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private long _objects;
    private long _bytes;

    /// <summary>Contents this backup added to the store.</summary>
    public long NewObjects => Interlocked.Read(ref _objects);

    /// <summary>Their compressed size on disk.</summary>
    public long NewBytes => Interlocked.Read(ref _bytes);

    /// <summary>Stores the first <paramref name="length"/> bytes of <paramref name="buffer"/> (a <see cref="ContentStore.Rent"/> buffer, now owned here).</summary>
    public async Task PutAsync(byte[] buffer, int length, string sha256, CancellationToken cancellationToken)
    {
        if (!_handedOver.Add(sha256))
        {
            ContentStore.Return(buffer);
            return;
        }

        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        catch
        {
            ContentStore.Return(buffer);
            throw;
        }

        _running.RemoveAll(t => t.IsCompletedSuccessfully);
        if (_running.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } failed)
        {
            _slots.Release();
            ContentStore.Return(buffer);
            await failed;
        }

        _running.Add(Task.Run(() => WriteAsync(buffer, length, sha256, cancellationToken), CancellationToken.None));
    }

    /// <summary>Waits for every content handed over to be in the store; throws the first failure.</summary>
    public Task CompleteAsync() => Task.WhenAll(_running);

    private async Task WriteAsync(byte[] buffer, int length, string sha256, CancellationToken cancellationToken)
    {
        var compressor = TakeCompressor();
        try
        {
            if (await store.PutAsync(buffer.AsMemory(0, length), sha256, () => compressor, cancellationToken))
            {
                Interlocked.Increment(ref _objects);
                Interlocked.Add(ref _bytes, new FileInfo(store.ObjectPath(sha256)).Length);
            }
        }
        finally
        {
            lock (_compressors)
            {
                _compressors.Push(compressor);
            }

            ContentStore.Return(buffer);
            _slots.Release();
        }
    }

    private Compressor TakeCompressor()
    {
        lock (_compressors)
        {
            return _compressors.TryPop(out var reused) ? reused : new Compressor(ContentStore.CompressionLevel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_running);
        }
        catch
        {
            // The backup already failed (or reports this through CompleteAsync); the writes have ended either way.
        }

        foreach (var compressor in _compressors)
        {
            compressor.Dispose();
        }

        _slots.Dispose();
    }
}
