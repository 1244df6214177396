using System.Security.Cryptography;

namespace Installatron.Core.Sites.Store;

/// <summary>
/// Reads <paramref name="inner"/> forward, hashing (SHA-256) every byte read, and refuses to read more than
/// <paramref name="limit"/> bytes (<see cref="InvalidDataException"/>): a file a user can write is parsed as it is
/// inflated, without being held in memory first.
/// </summary>
internal sealed class HashedReadStream(Stream inner, long limit) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;

    /// <summary>The SHA-256 of what was read so far.</summary>
    public byte[] CurrentHash() => _hash.GetCurrentHash();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _read += read;
        if (_read > limit)
        {
            throw new InvalidDataException($"More than {limit} bytes.");
        }

        _hash.AppendData(buffer[..read]);
        return read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

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
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
