using System.Collections.Concurrent;
using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Core.Storage;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Workflow;

/// <summary>
/// The catalog's packages on this machine: one verified copy of each (named by its SHA-256, so two versions or two
/// catalogs can never mix them up) shared by every update, backup and restore here, with its content index and the
/// SHA-256 of each of its files beside it (<see cref="PackageIndex"/>). A thousand sites of one version download, index
/// and digest it once, not once per update.
/// The folder (<c>Installatron__PackageCache</c>) is this process's own: created 0700, refused when others may write it.
/// A copy is hashed once per process before it is first used; one unused for <see cref="UnusedFor"/> is removed when
/// another is downloaded.
/// </summary>
public sealed class PackageCache(CatalogStore catalog, InstallatronTables tables, IOptions<InstallatronOptions> options, TimeProvider time)
{
    public static readonly TimeSpan UnusedFor = TimeSpan.FromDays(7);

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Copies this process has hashed, with the length and write time they had then.</summary>
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written)> _verified = new(StringComparer.Ordinal);

    public string Folder { get; } = options.Value.PackageCache is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Join(Path.GetTempPath(), "installatron-packages");

    /// <summary>The package of <paramref name="version"/> as a file here, downloaded and checked against the catalog's SHA-256 when it is not.</summary>
    public async Task<string> PathAsync(CatalogVersion version, CancellationToken cancellationToken)
    {
        var path = Path.Join(EnsureFolder(), version.Package.Sha256 + ".zip");
        var file = new FileInfo(path);
        if (file.Exists && (IsVerified(file) || await IsIntactAsync(file, version, cancellationToken)))
        {
            KeepInUse(file);
            return path;
        }

        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            await tables.Packages.GetBlobClient(version.Package.Blob).DownloadToAsync(partial, cancellationToken);
            var actual = await SiteFiles.Sha256Async(partial, cancellationToken);
            if (actual != version.Package.Sha256)
            {
                throw new InvalidDataException($"The package of {version.Application} {version.Version} is corrupt (SHA-256 {actual}, expected {version.Package.Sha256}).");
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        file.Refresh();
        _verified[path] = (file.Length, file.LastWriteTimeUtc);
        RemoveUnused(except: path);
        return path;
    }

    /// <summary>The package of <paramref name="version"/> with its content index here, for a backup to reference its contents.</summary>
    public async Task<PackageSource> SourceAsync(CatalogVersion version, CancellationToken cancellationToken) =>
        new(await PathAsync(version, cancellationToken), new PackageReference(version.Application, version.Version, version.Package.Sha256))
        {
            IndexPath = Path.Join(Folder, version.Package.Sha256 + ".index.json"),
            DigestPath = Path.Join(Folder, version.Package.Sha256 + ".digest.json"),
        };

    /// <summary>The SHA-256 of each file of <paramref name="version"/>'s package by its name in the zip, computed once per package here.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DigestAsync(CatalogVersion version, CancellationToken cancellationToken) =>
        await PackageIndex.DigestAsync(await SourceAsync(version, cancellationToken), cancellationToken);

    /// <summary>The exact package a stored backup names, when the catalog still has it (else null: the restore refuses, naming it).</summary>
    public async Task<string?> PathAsync(PackageReference reference, CancellationToken cancellationToken) =>
        await catalog.GetVersionAsync(reference.Application, reference.Version, cancellationToken) is { } version
        && version.Package.Sha256 == reference.Sha256
            ? await PathAsync(version, cancellationToken)
            : null;

    private string EnsureFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else if (!Directory.Exists(Folder))
        {
            Directory.CreateDirectory(Folder, OwnerOnly);
        }
        else if ((File.GetUnixFileMode(Folder) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException(
                $"The package cache '{Folder}' may be written by other users; give it mode 0700 or set Installatron__PackageCache to a folder of this service's own.");
        }

        return Folder;
    }

    private bool IsVerified(FileInfo file) =>
        _verified.TryGetValue(file.FullName, out var seen) && seen == (file.Length, file.LastWriteTimeUtc);

    private async Task<bool> IsIntactAsync(FileInfo file, CatalogVersion version, CancellationToken cancellationToken)
    {
        if (await SiteFiles.Sha256Async(file.FullName, cancellationToken) != version.Package.Sha256)
        {
            return false;
        }

        _verified[file.FullName] = (file.Length, file.LastWriteTimeUtc);
        return true;
    }

    /// <summary>A copy used again is marked so (at most once a day): <see cref="RemoveUnused"/> goes by the write time.</summary>
    private void KeepInUse(FileInfo file)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - file.LastWriteTimeUtc > TimeSpan.FromDays(1))
        {
            File.SetLastWriteTimeUtc(file.FullName, now);
            file.Refresh();
            _verified[file.FullName] = (file.Length, file.LastWriteTimeUtc);
        }
    }

    private void RemoveUnused(string except)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var partial in new DirectoryInfo(Folder).EnumerateFiles("*.partial").Where(p => p.LastWriteTimeUtc < now - TimeSpan.FromDays(1)))
        {
            // Left by a download or an index that was cut short (a process killed): never renamed into place.
            partial.Delete();
        }

        var oldest = now - UnusedFor;
        foreach (var zip in new DirectoryInfo(Folder).EnumerateFiles("*.zip"))
        {
            if (zip.LastWriteTimeUtc < oldest && zip.FullName != except)
            {
                _verified.TryRemove(zip.FullName, out _);
                zip.Delete();
                File.Delete(Path.ChangeExtension(zip.FullName, ".index.json"));
                File.Delete(Path.ChangeExtension(zip.FullName, ".digest.json"));
            }
        }
    }
}
