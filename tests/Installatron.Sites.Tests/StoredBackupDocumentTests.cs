using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>
/// A backup's document (streamed, its entries through their own converter, hashed as written) is byte for byte what a
/// plain serializer with the format's naming writes for the same backup (snake_case, null members left out), across the
/// stream's flushes; the SHA-256 returned is the file's, and the document reads back as the same backup.
/// </summary>
public sealed class StoredBackupDocumentTests : IDisposable
{
    private static readonly JsonSerializerOptions ReferenceOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Property(MaxTest = 200)]
    public Property WriteAsync_AnyBackup_SameBytesAsTheSerializer() =>
        Prop.ForAll(Backups(ManifestEntryJsonTests.Entries().ArrayOf()).ToArbitrary(), backup => SameAsSerializer(backup));

    [Fact]
    public void WriteAsync_ManyEntries_SameBytesAcrossItsFlushes()
    {
        var entries = Enumerable.Range(0, 20_000).Select(i => new ManifestEntry($"wp-content/uploads/é-{i:D6}.jpg", ManifestEntryTypes.File, i, 420,
            Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))), null) { Mtime = 1_700_000_000_000_000_000L + i }).ToArray();
        var backup = new StoredBackup(StoredBackup.CurrentFormat, StoredBackup.Zstd, SiteManifest.Create(["wp-content/cache"], entries) with
        {
            Attachments = [new ManifestAttachment("database/dump.sql", 12, "ef56", [new TableChecksum("wp_posts", 3, "cd34")])],
        })
        {
            Package = new PackageReference("wordpress", "6.7.2", "ab12"),
            FromPackage = entries.Take(500).ToDictionary(e => e.Sha256, e => "wordpress/" + e.Path),
            NewObjects = 19_500,
            NewBytes = 123_456_789,
        };

        Assert.True(SameAsSerializer(backup));
    }

    private bool SameAsSerializer(StoredBackup backup)
    {
        var path = Path.Join(_temp["documents"], $"{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sha256 = backup.WriteAsync(path, CancellationToken.None).GetAwaiter().GetResult();
        var written = File.ReadAllBytes(path);
        var reference = JsonSerializer.SerializeToUtf8Bytes(backup, ReferenceOptions);
        var readBack = JsonSerializer.Deserialize<StoredBackup>(written, ReferenceOptions)!;
        File.Delete(path);
        return written.AsSpan().SequenceEqual(reference) && sha256 == Convert.ToHexStringLower(SHA256.HashData(written))
            && readBack.Manifest.Entries.SequenceEqual(backup.Manifest.Entries) && readBack.NewBytes == backup.NewBytes;
    }

    private static Gen<StoredBackup> Backups(Gen<ManifestEntry[]> entries) =>
        from format in Gen.OneOf(Gen.Constant(StoredBackup.CurrentFormat), ManifestEntryJsonTests.Text())
        from compression in Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>(StoredBackup.Zstd))
        from excludes in ManifestEntryJsonTests.Text().ArrayOf()
        from listed in entries
        from attachments in Gen.OneOf(Gen.Constant<ManifestAttachment[]?>(null), Attachments().ArrayOf().Select(a => (ManifestAttachment[]?)a))
        from package in Gen.OneOf(Gen.Constant<PackageReference?>(null), Gen.Constant<PackageReference?>(new PackageReference("wordpress", "6.7.2", "ab12")))
        from fromPackage in Gen.OneOf(
            Gen.Constant<Dictionary<string, string>?>(null),
            ManifestEntryJsonTests.Text().ArrayOf().Select(keys => (Dictionary<string, string>?)keys.Distinct().ToDictionary(k => k, k => "wordpress/" + k)))
        from numbers in ArbMap.Default.GeneratorFor<long>().ArrayOf(2)
        select new StoredBackup(format, compression!, new SiteManifest(SiteManifest.CurrentFormat, excludes, listed) { Attachments = attachments })
        {
            Package = package,
            FromPackage = fromPackage,
            NewObjects = numbers[0],
            NewBytes = numbers[1],
        };

    private static Gen<ManifestAttachment> Attachments() =>
        from name in ManifestEntryJsonTests.Text()
        from size in ArbMap.Default.GeneratorFor<long>()
        from tables in Gen.OneOf(
            Gen.Constant<TableChecksum[]?>(null),
            ManifestEntryJsonTests.Text().Select(t => new TableChecksum(t, 3, "cd34")).ArrayOf().Select(t => (TableChecksum[]?)t))
        select new ManifestAttachment(name, size, "ef56", tables);
}
