using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>What preflight measured, enough for the caller to see why an update can or cannot run; <paramref name="Site"/> is the real path it checked.</summary>
public sealed record PreflightReport(long SiteFiles, long SiteBytes, long NeededBytes, long FreeBytes, string Site);

/// <summary>
/// The read-only checks before an update, with the seed's errcodes: the site's domain is the account's, its folder
/// exists and is readable and writable, and there is room (quota and disk) for the backup and the staged package.
/// With <c>testConnections</c> (<c>dryrun=all</c>) it also proves the backup location and the package can be reached.
/// </summary>
public sealed class UpdatePreflight(CatalogStore catalog, BackupLocations backups)
{
    /// <param name="measured">The site's size as an earlier preflight of the same update found it: reused, the site not walked again.</param>
    public async Task<PreflightReport> RunAsync(
        Install install, HostingUser owner, CatalogVersion? target, bool backup, bool testConnections, CancellationToken cancellationToken,
        SiteMeasurement? measured = null)
    {
        if (owner.Suspended)
        {
            // Suspended between the request and the update's start: nothing of the site is touched.
            throw InstallAccess.Suspended(owner);
        }

        if (!owner.ManagesDomain(install.UrlDomain))
        {
            throw new Refusal(ErrorCodes.FailedWebsiteVhost, null,
                $"The hosting account '{owner.User}' does not manage the domain {install.UrlDomain} of this install.");
        }

        var (account, site) = ResolveFolders(install, owner);
        if (!Directory.Exists(site))
        {
            throw new Refusal(ErrorCodes.FailedFilesystemDirectory, null,
                $"The folder {install.Path} no longer exists: the application's files have been deleted or moved.");
        }

        EnsureReadWrite(site);
        var (files, bytes) = measured is null ? Measure(site, install.ExcludeFiles, cancellationToken) : (measured.Files, measured.Bytes);

        // A backup is at most the site's size (compressed); staging holds the unpacked package.
        var needed = (backup ? bytes : 0) + (target is null ? 0 : Math.Max(target.Package.UncompressedSize, target.Package.Size));
        var neededInodes = target is null ? 0 : target.Package.Entries + 1;
        if (owner.QuotaDiskBytes > 0 || owner.QuotaInodes > 0)
        {
            var (usedFiles, usedBytes) = Measure(account.Home, [], cancellationToken);
            if (owner.QuotaDiskBytes > 0 && usedBytes + needed > owner.QuotaDiskBytes)
            {
                throw new Refusal(ErrorCodes.FailedFilesystemQuota, null,
                    $"The update needs {needed:N0} bytes and the account uses {usedBytes:N0} of its {owner.QuotaDiskBytes:N0}-byte quota.");
            }

            if (owner.QuotaInodes > 0 && usedFiles + neededInodes > owner.QuotaInodes)
            {
                throw new Refusal(ErrorCodes.FailedFilesystemQuota, null,
                    $"The update needs {neededInodes:N0} files and the account uses {usedFiles:N0} of its {owner.QuotaInodes:N0}-file quota.");
            }
        }

        var free = new DriveInfo(Path.GetPathRoot(site) ?? "/").AvailableFreeSpace;
        try
        {
            free = new DriveInfo(site).AvailableFreeSpace;
        }
        catch (ArgumentException)
        {
            // Not a mount point name on this platform: the root's figure stands.
        }

        if (needed > free)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemQuota, null,
                $"The update needs {needed:N0} bytes of disk space and only {free:N0} are free.");
        }

        if (testConnections)
        {
            await backups.ProbeAsync(install, account, cancellationToken);
            if (Databases.InstallDatabase.For(install) is { } database)
            {
                try
                {
                    await new Databases.MySqlDatabase(database).TestConnectionAsync(cancellationToken);
                }
                catch (Databases.DatabaseException e)
                {
                    throw new Refusal(e.Errcode, null, e.Message);
                }
            }

            if (target is not null)
            {
                await catalog.ProbePackageAsync(target, cancellationToken);
            }
        }

        return new PreflightReport(files, bytes, needed, free, site);
    }

    /// <summary>
    /// The owner's home and the site's real path; the site and the folders the update writes to (backups, staging)
    /// must stay inside the home once every symbolic link is followed, or nothing is done.
    /// </summary>
    private static (AccountFolder Account, string Site) ResolveFolders(Install install, HostingUser owner)
    {
        try
        {
            var account = AccountFolder.Open(owner.Home);
            var site = account.Resolve(install.Path, "The install's folder");
            BackupLocations.LocalBackupDirectory(account, install.Id);
            BackupLocations.StagingDirectory(account, "");
            return (account, site);
        }
        catch (UnsafePathException e)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, null, e.Message);
        }
    }

    private static void EnsureReadWrite(string path)
    {
        var probe = Path.Combine(path, $".installatron-probe-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}");
        try
        {
            _ = Directory.EnumerateFileSystemEntries(path).FirstOrDefault();
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, null,
                $"Insufficient permissions on {path}: the folder must be readable and writable ({e.GetType().Name}).");
        }
    }

    /// <summary>Files and bytes under <paramref name="root"/> (symlinks counted, not followed), minus excluded relative paths.</summary>
    public static (long Files, long Bytes) Measure(string root, IReadOnlyList<string> exclude, CancellationToken cancellationToken)
    {
        long files = 0, bytes = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (exclude.Any(x => relative == x.TrimEnd('/') || relative.StartsWith(x.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            files++;
            if (entry is FileInfo file && file.LinkTarget is null)
            {
                bytes += file.Length;
            }
        }

        return (files, bytes);
    }
}
