using System.Security.Cryptography;
using Installatron.Core.Sites;

namespace Installatron.Core.Tests;

/// <summary>A hashing stream that leaves a trailer unhashed: whatever sizes it is read in, it hashes all before the trailer.</summary>
public sealed class HashingStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Read_AnyReadSizes_HashesAllButTheLastTailBytes(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 3000)];
            random.NextBytes(data);
            var tail = random.Next(0, 70);
            using var stream = new HashingStream(new TrickleStream(data, random), unhashedTail: tail);
            var buffer = new byte[random.Next(1, 200)];
            while (stream.Read(buffer, 0, random.Next(1, buffer.Length + 1)) > 0)
            {
            }

            var expected = Convert.ToHexStringLower(SHA256.HashData(data.AsSpan(0, Math.Max(0, data.Length - tail))));
            Assert.Equal(expected, stream.Sha256());
            Assert.Equal(data.Length, stream.BytesTransferred);
        }
    }

    /// <summary>Gives at most a random few bytes per read, as a decompressor may.</summary>
    private sealed class TrickleStream(byte[] data, Random random) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, random.Next(1, 90)));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, random.Next(1, 90))]);
    }
}
