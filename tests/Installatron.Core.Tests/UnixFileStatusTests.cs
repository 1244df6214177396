using Installatron.Core.Sites.Access;

namespace Installatron.Core.Tests;

/// <summary>statx of a path given as characters: long paths (beyond the stack buffer) and paths that cannot exist.</summary>
public sealed class UnixFileStatusTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("installatron-statx-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Of_PathLongerThanTheStackBuffer_SameAsItsStringForm()
    {
        // 6 folders of 100 two-byte characters: well over 1,024 bytes of UTF-8, each name under NAME_MAX.
        var folder = Path.Join([_root, .. Enumerable.Range(0, 6).Select(i => new string((char)('é' + i), 100))]);
        Directory.CreateDirectory(folder);
        var file = Path.Join(folder, "ünïcode.php");
        File.WriteAllText(file, "<?php\n");

        var status = UnixFileStatus.Of(file.AsSpan(), out var mode);

        Assert.NotNull(status);
        Assert.True(status.Value.IsRegularFile);
        Assert.Equal(6, status.Value.Size);
        Assert.Equal(UnixFileStatus.Of(file), status);
        Assert.Equal(0x8000, mode & 0xF000);
    }

    [Fact]
    public void Of_MissingPathOrNulCharacter_Null()
    {
        File.WriteAllText(Path.Join(_root, "a"), "x");

        Assert.Null(UnixFileStatus.Of(Path.Join(_root, "missing").AsSpan(), out _));
        Assert.Null(UnixFileStatus.Of((Path.Join(_root, "a") + "\0/../a").AsSpan(), out _));
        Assert.NotNull(UnixFileStatus.Of(Path.Join(_root, "a").AsSpan(), out _));
    }
}
