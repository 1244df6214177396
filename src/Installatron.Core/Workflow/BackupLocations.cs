using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>
/// Where an install's backups and staged packages live. <c>bkloc = local</c>: inside the account, outside the web
/// root (<c>{home}/.appdata/backups/{install}</c>); any other <c>bkloc</c>: the backups blob container. Work files
/// (staged packages) always stay local, next to the site's account.
/// </summary>
public sealed class BackupLocations(InstallatronTables tables)
{
    public const string Local = "local";

    /// <summary>The account folder for the install's work: the user's home when known, else beside the site.</summary>
    public static string AppData(Install install, HostingUser owner) =>
        owner.Home.Length > 0
            ? Path.Combine(owner.Home, ".appdata")
            : Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(install.Path)) ?? install.Path, ".installatron");

    public static string LocalBackupDirectory(Install install, HostingUser owner) => Path.Combine(AppData(install, owner), "backups", install.Id);

    public static string StagingDirectory(Install install, HostingUser owner, string taskId) => Path.Combine(AppData(install, owner), "staging", taskId);

    /// <summary>The local archive path a backup is written to (then uploaded when remote).</summary>
    public static string ArchivePath(Install install, HostingUser owner, string taskId) =>
        Path.Combine(LocalBackupDirectory(install, owner), $"{taskId}.tar.gz");

    public static string BlobName(Install install, string taskId) => $"{install.Id}/{taskId}.tar.gz";

    /// <summary>Proves the backup location can be written (<c>dryrun=all</c>), leaving nothing behind.</summary>
    public async Task ProbeAsync(Install install, HostingUser owner, CancellationToken cancellationToken)
    {
        if (install.Bkloc == Local)
        {
            var directory = LocalBackupDirectory(install, owner);
            try
            {
                Directory.CreateDirectory(directory);
                var probe = Path.Combine(directory, ".probe");
                await File.WriteAllTextAsync(probe, "", cancellationToken);
                File.Delete(probe);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new ApiRefusal(ErrorCodes.FailedFilesystemPermission, null, $"The backup folder {directory} cannot be written: {e.Message}");
            }

            return;
        }

        try
        {
            await tables.EnsureCreatedAsync();
            var blob = tables.BackupBlobs.GetBlobClient($"{install.Id}/.probe");
            await blob.UploadAsync(BinaryData.FromString(""), overwrite: true, cancellationToken);
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Azure.RequestFailedException e)
        {
            throw new ApiRefusal(ErrorCodes.FailedFilesystemHost, null, $"The backup location '{install.Bkloc}' cannot be reached: {e.ErrorCode ?? e.Status.ToString()}.");
        }
    }
}
