using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Installatron.Core.Sites.Access;

/// <summary>
/// What <c>lstat</c> says of a path on this machine beyond what .NET shows: device, inode, and the modification and
/// change times in nanoseconds (<c>statx(2)</c>, whose layout is the same on every Linux architecture).
/// </summary>
internal readonly partial record struct UnixFileStatus(bool IsRegularFile, ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const long UtimeOmit = (1L << 30) - 2;

    /// <summary>The status of <paramref name="path"/> itself (a link is not followed); null when it cannot be read here.</summary>
    public static UnixFileStatus? Of(string path) => Of(path, out _);

    /// <summary><see cref="Of(string)"/>, with the whole <c>st_mode</c> of the same call (file type and permission bits).</summary>
    public static UnixFileStatus? Of(string path, out int statMode) => Of(path.AsSpan(), out statMode);

    /// <summary>
    /// <see cref="Of(string, out int)"/> of a path given as characters (one per file of a walk: no string is made for it).
    /// </summary>
    public static UnixFileStatus? Of(ReadOnlySpan<char> path, out int statMode)
    {
        statMode = 0;
        if (!OperatingSystem.IsLinux() || path.Contains('\0'))
        {
            return null;
        }

        var length = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[1024];
        utf8[Encoding.UTF8.GetBytes(path, utf8)] = 0;
        Statx buffer = default;
        var failed = StatxCall(AtFdCwd, ref MemoryMarshal.GetReference(utf8), AtSymlinkNoFollow, StatxBasicStats, ref buffer) != 0
            || (buffer.Mask & StatxBasicStats) != StatxBasicStats;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        if (failed)
        {
            return null;
        }

        statMode = buffer.Mode;
        return new UnixFileStatus(
            (buffer.Mode & 0xF000) == 0x8000, ((ulong)buffer.DevMajor << 32) | buffer.DevMinor, buffer.Inode, (long)buffer.Size,
            buffer.MtimeSec * 1_000_000_000 + buffer.MtimeNsec, buffer.CtimeSec * 1_000_000_000 + buffer.CtimeNsec);
    }

    /// <summary>What lstat says of the entry, as <see cref="ISiteFileSystem.Stat"/> describes it (a file's time to the 100 ns).</summary>
    public static SiteEntryInfo InfoOf(UnixFileStatus status, int statMode) => (statMode & 0xF000) switch
    {
        0xA000 => new SiteEntryInfo(EntryKind.Symlink, 0, FileModes.Symlink, default),
        0x4000 => new SiteEntryInfo(EntryKind.Directory, 0, statMode & FileModes.Mask, default),
        _ => new SiteEntryInfo(EntryKind.File, status.Size, statMode & FileModes.Mask, DateTimeOffset.UnixEpoch.AddTicks(FloorDiv(status.ModifiedNs, 100))),
    };

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    /// <summary>Sets the modification time of <paramref name="path"/> (not through a link) to the nanosecond; false when it could not.</summary>
    public static bool SetModified(string path, long modifiedNs)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<long> times = [0, UtimeOmit, Math.DivRem(modifiedNs, 1_000_000_000, out var nanoseconds), 0];
        if (nanoseconds < 0)
        {
            times[2]--;
            nanoseconds += 1_000_000_000;
        }

        times[3] = nanoseconds;
        return UtimensatCall(AtFdCwd, path, ref MemoryMarshal.GetReference(times), AtSymlinkNoFollow) == 0;
    }

    /// <param name="path">A null-terminated UTF-8 path.</param>
    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int StatxCall(int dirfd, ref byte path, int flags, uint mask, ref Statx buffer);

    [LibraryImport("libc", EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int UtimensatCall(int dirfd, string path, ref long times, int flags);

    /// <summary><c>struct statx</c> (256 bytes): only the fields read here are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSec;
        [FieldOffset(104)] public uint CtimeNsec;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }
}
