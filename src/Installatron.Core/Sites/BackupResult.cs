namespace Installatron.Core.Sites;

/// <summary>
/// A written and verified backup: <paramref name="Files"/> and <paramref name="Bytes"/> count the site's regular files
/// and their content; the hashes are those of the archive file and of the manifest inside it.
/// </summary>
public sealed record BackupResult(string ArchivePath, long Files, long Bytes, string ArchiveSha256, string ManifestSha256);

/// <summary>
/// The outcome of re-reading a backup archive: valid only when every entry matches the manifest (type, size, mode,
/// SHA-256, link target), in order, with nothing missing and nothing extra.
/// </summary>
public sealed record BackupVerification(
    string ArchivePath,
    bool IsValid,
    IReadOnlyList<string> Problems,
    SiteManifest? Manifest,
    string? ArchiveSha256,
    string? ManifestSha256)
{
    /// <summary>The backup's figures; throws <see cref="InvalidBackupException"/> listing the problems when it is not valid.</summary>
    public BackupResult EnsureValid()
    {
        if (!IsValid || Manifest is null || ArchiveSha256 is null || ManifestSha256 is null)
        {
            var shown = string.Join("; ", Problems.Take(10));
            var more = Problems.Count > 10 ? $" (and {Problems.Count - 10} more)" : "";
            throw new InvalidBackupException($"The backup '{ArchivePath}' failed verification: {shown}{more}.", Problems);
        }

        return new BackupResult(ArchivePath, Manifest.Files, Manifest.Bytes, ArchiveSha256, ManifestSha256);
    }
}
