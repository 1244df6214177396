using Installatron.Core.Databases;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

public sealed class BackupAttachmentTests
{
    [Fact]
    public async Task CreateAsync_WithAttachment_InArchiveAndManifestExtractedByteExact()
    {
        using var temp = new TempDirectory();
        Write(temp["site/index.php"], "<?php echo 1;");
        var dump = temp["dump.jsonl.gz"];
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(dump, bytes);
        TableChecksum[] tables = [new("wp_posts", 3, new string('a', 64))];

        await SiteBackup.CreateAsync(temp["site"], [], temp["backup.tar.gz"], CancellationToken.None, [new BackupAttachment("tables.jsonl.gz", dump, tables)]);

        var verification = await SiteBackup.VerifyAsync(temp["backup.tar.gz"], CancellationToken.None);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        var attachment = Assert.Single(verification.Manifest!.Attachments!);
        Assert.Equal(("tables.jsonl.gz", 5000L), (attachment.Name, attachment.Size));
        Assert.Equal(tables, attachment.Tables);

        await SiteBackup.ExtractAttachmentAsync(temp["backup.tar.gz"], "tables.jsonl.gz", temp["out.gz"], CancellationToken.None);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(temp["out.gz"]));
    }

    [Fact]
    public async Task RestoreAsync_ArchiveWithAttachment_SiteOnlyRestored()
    {
        using var temp = new TempDirectory();
        Write(temp["site/index.php"], "<?php echo 1;");
        Write(temp["dump"], "rows");
        await SiteBackup.CreateAsync(temp["site"], [], temp["backup.tar.gz"], CancellationToken.None, [new BackupAttachment("tables.jsonl.gz", temp["dump"])]);
        var before = TreeHash.Of(temp["site"]);
        Write(temp["site/added.php"], "<?php");

        await SiteRestore.RestoreAsync(temp["backup.tar.gz"], temp["site"], [], CancellationToken.None);

        Assert.Equal(before, TreeHash.Of(temp["site"]));
        Assert.False(Directory.Exists(temp["site/database"]));
    }

    [Fact]
    public async Task CreateAsync_AttachmentNameWithPath_Refused()
    {
        using var temp = new TempDirectory();
        Write(temp["site/index.php"], "<?php");
        Write(temp["dump"], "rows");
        await Assert.ThrowsAsync<ArgumentException>(() => SiteBackup.CreateAsync(
            temp["site"], [], temp["backup.tar.gz"], CancellationToken.None, [new BackupAttachment("../evil", temp["dump"])]));
    }

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
