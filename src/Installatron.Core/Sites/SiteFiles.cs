using System.Buffers;
using System.Security.Cryptography;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>Streaming file helpers shared by backup, restore, apply and verification.</summary>
internal static class SiteFiles
{
    public const int BufferSize = 1 << 20;

    /// <summary>The SHA-256 of no bytes.</summary>
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static FileStream OpenRead(string path) => LocalSiteFileSystem.OpenRead(path);

    /// <summary>An archive read through a large buffer (decompressors read in small pieces).</summary>
    public static FileStream OpenArchive(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.Read,
        BufferSize = BufferSize,
        Options = FileOptions.SequentialScan,
    });

    /// <summary>Creates a new file; fails when anything (a file, a symbolic link) is already there, so it never writes through a link.</summary>
    public static FileStream CreateNew(string path) => LocalSiteFileSystem.CreateNew(path);

    /// <summary>An archive on <paramref name="files"/>, read through a large buffer.</summary>
    public static async Task<Stream> OpenArchiveAsync(ISiteFileSystem files, string path, CancellationToken cancellationToken) =>
        files is LocalSiteFileSystem ? OpenArchive(path) : new BufferedStream(await files.OpenReadAsync(path, cancellationToken), BufferSize);

    /// <summary>A site file opened for a backup; null when it vanished since the listing (a backup leaves it out).</summary>
    public static async Task<Stream?> TryOpenForBackupAsync(ISiteFileSystem files, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await files.OpenReadAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        return await Sha256Async(stream, cancellationToken);
    }

    public static async Task<string> Sha256Async(ISiteFileSystem files, string path, CancellationToken cancellationToken)
    {
        await using var stream = await files.OpenReadAsync(path, cancellationToken);
        return await Sha256Async(stream, cancellationToken);
    }

    public static async Task<string> Sha256Async(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>; returns the SHA-256 and the length of what was copied.</summary>
    public static async Task<(string Sha256, long Length)> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
