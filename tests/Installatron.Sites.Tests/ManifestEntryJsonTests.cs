using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Installatron.Core.Sites;

namespace Installatron.Sites.Tests;

/// <summary>
/// A manifest entry's JSON, written and read by its own converter, is byte for byte what the serializer wrote for it before
/// (snake_case, null members left out, the default escaping), whatever its path holds, and reads back as the same entry.
/// </summary>
public sealed class ManifestEntryJsonTests
{
    // Whole characters (an emoji is a surrogate pair): a lone surrogate is not text and cannot come back as itself.
    private static readonly string[] Characters =
    [
        "a", "Z", "0", "/", ".", "-", "_", " ", "\"", "\\", "\n", "\t", "\0", "<", ">", "&", "'", "+", "`", "é", "漢", "\u2028", "\u007f", "😀",
    ];

    private static readonly JsonSerializerOptions ReferenceOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [Property(MaxTest = 1000)]
    public Property Serialize_AnyEntry_SameBytesAsTheGeneratedSerializerAndReadsBack() =>
        Prop.ForAll(Entries().ToArbitrary(), entry =>
        {
            var json = JsonSerializer.Serialize(entry);
            var reference = JsonSerializer.Serialize(
                new ReferenceEntry(entry.Path, entry.Type, entry.Size, entry.Mode, entry.Sha256, entry.LinkTarget, entry.Mtime), ReferenceOptions);
            return json == reference && JsonSerializer.Deserialize<ManifestEntry>(json) == entry;
        });

    [Fact]
    public void Deserialize_UnknownMembersAndNulls_SkippedAndKeptAsNull()
    {
        var json = """{"extra":{"a":[1,2,{"b":null}]},"path":"wp-config.php","type":"file","size":12,"mode":384,"sha256":"ab","link_target":null,"mtime":null,"more":"x"}""";

        var entry = JsonSerializer.Deserialize<ManifestEntry>(json);

        Assert.Equal(new ManifestEntry("wp-config.php", "file", 12, 384, "ab", null), entry);
        Assert.Null(entry!.Mtime);
    }

    [Theory]
    [InlineData("""{"path":5,"type":"file","size":1,"mode":420,"sha256":"ab"}""")]
    [InlineData("""{"path":"a","type":"file","size":"1","mode":420,"sha256":"ab"}""")]
    [InlineData("""{"path":"a","type":"file","size":1.5,"mode":420,"sha256":"ab"}""")]
    [InlineData("""{"path":"a","type":"file","size":null,"mode":420,"sha256":"ab"}""")]
    [InlineData("""{"path":"a","type":"file","size":1,"mode":4294967296,"sha256":"ab"}""")]
    [InlineData("""{"path":"a","type":"file","size":1,"mode":420,"sha256":["ab"]}""")]
    [InlineData("""{"path":"a","type":"file","size":1,"mode":420,"sha256":"ab","mtime":"yesterday"}""")]
    [InlineData("""["a","file"]""")]
    public void Deserialize_MemberOfTheWrongKind_JsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<ManifestEntry>(json));

    private sealed record ReferenceEntry(string Path, string Type, long Size, int Mode, string Sha256, string? LinkTarget, long? Mtime);

    internal static Gen<string> Text() => Gen.Elements(Characters).ArrayOf().Select(string.Concat);

    internal static Gen<ManifestEntry> Entries() =>
        from path in Text()
        from type in Gen.Elements(ManifestEntryTypes.File, ManifestEntryTypes.Directory, ManifestEntryTypes.Symlink)
        from size in ArbMap.Default.GeneratorFor<long>()
        from mode in ArbMap.Default.GeneratorFor<int>()
        from sha256 in Gen.OneOf(Text(), Gen.Elements("0123456789abcdef".ToCharArray()).ArrayOf(64).Select(c => new string(c)))
        from linkTarget in Gen.OneOf(Gen.Constant<string?>(null), Text().Select(t => (string?)t))
        from mtime in Gen.OneOf(Gen.Constant<long?>(null), ArbMap.Default.GeneratorFor<long>().Select(t => (long?)t), Gen.Elements<long?>(long.MinValue, long.MaxValue))
        select new ManifestEntry(path, type, size, mode, sha256, linkTarget) { Mtime = mtime };
}
