using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access;
using Installatron.Core.Storage;

namespace Installatron.Core.Workflow;

/// <summary>What preflight measured, enough for the caller to see why an update can or cannot run; <paramref name="Site"/> is the real path it checked.</summary>
public sealed record PreflightReport(long SiteFiles, long SiteBytes, long NeededBytes, long FreeBytes, string Site)
{
    /// <summary>What <c>dryrun=all</c> proved, one connection at a time; <c>null</c> when connections were not tested.</summary>
    public IReadOnlyList<ConnectionCheck>? Connections { get; init; }
}

/// <summary>One connection a dry run proved: what it is, where, and what was done to prove it.</summary>
public sealed record ConnectionCheck(string Name, string Target, string Detail);

/// <summary>
/// The read-only checks before an update, with the seed's errcodes: the site's domain is the account's, its folder
/// exists (inside the account's home, and its allowed paths when it has them) and is readable and writable, and there
/// is room (quota and disk, where the server tells) for the backup and the staged package. All of it on the site's
/// own file system (<see cref="SiteConnection"/>: this machine's, or its server's over SSH). With
/// <c>testConnections</c> (<c>dryrun=all</c>) it also proves the backup location, the database and the package can be
/// reached, and reports each connection.
/// </summary>
public sealed class UpdatePreflight(CatalogStore catalog, BackupLocations backups)
{
    /// <param name="measured">The site's size as an earlier preflight of the same update found it: reused, the site not walked again.</param>
    public async Task<PreflightReport> RunAsync(
        SiteConnection connection, Install install, CatalogVersion? target, bool backup, bool testConnections, CancellationToken cancellationToken,
        SiteMeasurement? measured = null)
    {
        var owner = connection.Owner;
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

        var files = connection.Files;
        var site = connection.SiteRoot(install.Path);
        connection.LocalBackupDirectory(install.Id);
        connection.StagingDirectory("");
        if (!files.DirectoryExists(site))
        {
            throw new Refusal(ErrorCodes.FailedFilesystemDirectory, null,
                $"The folder {connection.Describe(install.Path)} no longer exists: the application's files have been deleted or moved.");
        }

        await EnsureReadWriteAsync(files, site, cancellationToken);
        var (siteFiles, bytes) = measured is null ? await SiteMeasure.MeasureAsync(files, site, install.ExcludeFiles, cancellationToken) : (measured.Files, measured.Bytes);

        // A backup is at most the site's size (compressed); staging holds the unpacked package.
        var needed = (backup ? bytes : 0) + (target is null ? 0 : Math.Max(target.Package.UncompressedSize, target.Package.Size));
        var neededInodes = target is null ? 0 : target.Package.Entries + 1;
        if (owner.QuotaDiskBytes > 0 || owner.QuotaInodes > 0)
        {
            var (usedFiles, usedBytes) = await SiteMeasure.MeasureAsync(files, connection.Account().Home, [], cancellationToken);
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

        var free = FreeSpace(files, site);
        if (free is { } available && needed > available)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemQuota, null,
                $"The update needs {needed:N0} bytes of disk space and only {available:N0} are free.");
        }

        var report = new PreflightReport(siteFiles, bytes, needed, free ?? -1, site);
        return testConnections ? report with { Connections = await TestConnectionsAsync(connection, install, target, site, cancellationToken) } : report;
    }

    /// <summary>Every connection an update will use, proved one by one (<c>dryrun=all</c>).</summary>
    private async Task<IReadOnlyList<ConnectionCheck>> TestConnectionsAsync(
        SiteConnection connection, Install install, CatalogVersion? target, string site, CancellationToken cancellationToken)
    {
        var checks = new List<ConnectionCheck>();
        if (connection.Owner.Remote is { } remote)
        {
            var shell = connection.Files.Shell is { } found ? $"a shell with {string.Join(", ", found.Tools.Order(StringComparer.Ordinal))}" : "SFTP only (no shell)";
            checks.Add(new ConnectionCheck("site_server", remote.Address,
                $"connected (host key {remote.HostKey}), logged in as {remote.Login} with {(remote.PrivateKeySet ? "its private key" : "its password")}; {shell}"));
        }

        checks.Add(new ConnectionCheck("site_files", connection.Describe(site), "listed, and a probe file written and removed"));
        checks.Add(await backups.ProbeAsync(install, connection, cancellationToken));
        if (Databases.InstallDatabase.For(install) is { } database)
        {
            try
            {
                var reached = await connection.DatabaseAsync(database, cancellationToken);
                await new Databases.MySqlDatabase(reached).TestConnectionAsync(cancellationToken);
                checks.Add(new ConnectionCheck("database", reached.ToString(), connection.IsRemote ? "logged in through the SSH connection (port forwarding)" : "logged in"));
            }
            catch (Databases.DatabaseException e)
            {
                throw new Refusal(e.Errcode, null, e.Message);
            }
        }

        if (target is not null)
        {
            await catalog.ProbePackageAsync(target, cancellationToken);
            checks.Add(new ConnectionCheck("package", $"{target.Application} {target.Version}", "found in the packages container"));
        }

        return checks;
    }

    /// <summary>Bytes free where the site is: this machine's disk, or what the remote server says (<c>null</c>: it does not say).</summary>
    private static long? FreeSpace(ISiteFileSystem files, string site)
    {
        if (files is not LocalSiteFileSystem)
        {
            return files.FreeSpace(site);
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

        return free;
    }

    private static async Task EnsureReadWriteAsync(ISiteFileSystem files, string path, CancellationToken cancellationToken)
    {
        var probe = Path.Join(path, $".installatron-probe-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}");
        try
        {
            _ = files.List(path);
            if (files.Stat(probe).Kind != EntryKind.Missing)
            {
                files.DeleteFile(probe);
            }

            await files.WriteNewTextAsync(probe, "", cancellationToken);
            files.DeleteFile(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new Refusal(ErrorCodes.FailedFilesystemPermission, null,
                $"Insufficient permissions on {files.Describe(path)}: the folder must be readable and writable ({e.GetType().Name}).");
        }
    }
}
