using System.Formats.Tar;
using System.IO.Compression;

namespace Installatron.Core.Sites;

/// <summary>Reading an attachment (a database dump stored beside the site) back out of a verified archive.</summary>
public static partial class SiteBackup
{
    /// <summary>
    /// Copies an attachment of a verified archive to <paramref name="destination"/> and checks it against the manifest;
    /// returns the manifest's record of it.
    /// </summary>
    public static async Task<ManifestAttachment> ExtractAttachmentAsync(string archivePath, string name, string destination, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(archivePath, cancellationToken);
        var expected = manifest.Attachments?.FirstOrDefault(a => a.Name == name)
            ?? throw new InvalidBackupException($"The backup '{archivePath}' holds no attachment '{name}'.", [$"no attachment '{name}'"]);
        await using (var file = SiteFiles.OpenArchive(archivePath))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.Name != AttachmentPrefix + name || entry.DataStream is null)
                {
                    continue;
                }

                await using (var target = File.Create(destination))
                {
                    await entry.DataStream.CopyToAsync(target, cancellationToken);
                }

                await using var copy = File.OpenRead(destination);
                if (await SiteFiles.Sha256Async(copy, cancellationToken) != expected.Sha256)
                {
                    throw new InvalidBackupException($"The attachment '{name}' does not match the manifest.", [$"attachment '{name}' changed"]);
                }

                return expected;
            }
        }

        throw new InvalidBackupException($"The backup '{archivePath}' holds no attachment '{name}'.", [$"no attachment '{name}'"]);
    }
}
