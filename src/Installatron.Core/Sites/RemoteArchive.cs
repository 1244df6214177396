using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>Builds and verifies a backup archive on the site's own host through its shell (placeholder).</summary>
internal static class RemoteArchive
{
    public static Task<bool> IsAvailableAsync(IRemoteShell shell, CancellationToken cancellationToken) => Task.FromResult(false);

    public static Task WriteAsync(IRemoteShell shell, ISiteFileSystem files, string root, IReadOnlyList<string> excludes, string partial,
        IReadOnlyList<BackupAttachment> attachments, CancellationToken cancellationToken) => throw new NotSupportedException();

    public static Task<(SiteManifest? Manifest, string? ManifestSha256, string? ArchiveSha256)> ReadAsync(IRemoteShell shell, ISiteFileSystem files,
        string archivePath, Action<ManifestEntry> onSiteEntry, List<string> problems, CancellationToken cancellationToken,
        Action<ManifestAttachment>? onAttachment = null) => throw new NotSupportedException();
}
