using System.Security.Cryptography;

namespace Installatron.Core.Sites;

/// <summary>
/// Reads exactly <c>length</c> bytes of a file (its size when opened) and hashes them on the way. It claims to be
/// seekable so that a <see cref="System.Formats.Tar.TarWriter"/> writes the size in the header first and streams the
/// data after; a file that shrinks meanwhile fails the read instead of corrupting the archive, one that grows is
/// archived as it was when opened.
/// </summary>
internal sealed class SnapshotReadStream(Stream inner, long length) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public string Sha256() => _position == length
        ? Convert.ToHexStringLower(_hash.GetHashAndReset())
        : throw new InvalidOperationException("The file was not read to its end.");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted == 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..wanted]);
        return Account(buffer[..read]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..wanted], cancellationToken);
        return Account(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            throw new IOException($"The file shrank while it was being read ({_position} of {length} bytes).");
        }

        _hash.AppendData(data);
        _position += data.Length;
        return data.Length;
    }
}

/// <summary>
/// Passes reads or writes through to another stream, hashing and counting the bytes; never owns that stream. With
/// <paramref name="unhashedTail"/>, the last that many bytes read are not hashed (a trailer holding the hash of all
/// before it), so a reader may read ahead in large blocks and still check the trailer.
/// </summary>
internal sealed class HashingStream(Stream inner, int unhashedTail = 0) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _tail = new byte[unhashedTail];
    private int _tailCount;

    public long BytesTransferred { get; private set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        AccountRead(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        AccountRead(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Account(buffer);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Account(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesTransferred += data.Length;
    }

    /// <summary>Hashes what was read except the last <c>unhashedTail</c> bytes so far, which are held back until more follows.</summary>
    private void AccountRead(ReadOnlySpan<byte> data)
    {
        BytesTransferred += data.Length;
        var hashed = Math.Max(0, _tailCount + data.Length - _tail.Length);
        var fromTail = Math.Min(hashed, _tailCount);
        var fromData = hashed - fromTail;
        _hash.AppendData(_tail.AsSpan(0, fromTail));
        _hash.AppendData(data[..fromData]);
        _tail.AsSpan(fromTail, _tailCount - fromTail).CopyTo(_tail);
        _tailCount -= fromTail;
        data[fromData..].CopyTo(_tail.AsSpan(_tailCount));
        _tailCount += data.Length - fromData;
    }
}
