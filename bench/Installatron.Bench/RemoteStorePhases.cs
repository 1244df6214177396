using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access.Sftp;
using Installatron.Core.Sites.Store;
using Installatron.Core.Sites.Store.Blob;
using Installatron.Server.Azurite;

namespace Installatron.Bench;

/// <summary>
/// A remote site's first and second backup over SSH (<c>Installatron.Bench remote-store …</c>, bench/remote.sh store):
/// today's tar.gz archive (built on the host with a shell, streamed otherwise) against the account's store in a blob
/// container (Azurite started here), with the files hashed on the server (<c>sha256sum</c>) and with every file read over
/// SFTP. Prints one <see cref="PhaseResult"/> line per backup.
/// </summary>
public static class RemoteStorePhases
{
    /// <param name="args">remote-store HOST PORT LOGIN KEYFILE FINGERPRINT SITE ARCHIVE-FOLDER OLDZIP REPOSITORY-ROOT</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = new SshSiteSettings(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3], args[5])
        {
            PrivateKey = await File.ReadAllTextAsync(args[4]),
        };
        var (site, archives, oldZip, repository) = (args[6], args[7], args[8], args[9]);
        await using var azurite = await AzuriteProcess.StartAsync(repository, location: null, TextWriter.Null, CancellationToken.None);
        await using var files = await SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None);
        var kind = files.Shell is null ? "SFTP only" : "shell";
        var package = new PackageSource(oldZip, new PackageReference("wordpress", "6.1.9", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(oldZip)))));
        var scratch = Directory.CreateTempSubdirectory("remote-store-bench-").FullName;
        try
        {
            for (var round = 1; round <= 2; round++)
            {
                var clock = Stopwatch.StartNew();
                var archive = await SiteBackup.CreateAsync(files, site, [], Path.Join(archives, $"bench-{round}.tar.gz"), CancellationToken.None);
                var verified = await SiteBackup.VerifyAsync(files, Path.Join(archives, $"bench-{round}.tar.gz"), CancellationToken.None);
                Print($"{kind}: tar.gz archive, backup {round}", clock, $"{archive.Files:N0} files, verified {verified.IsValid}, {files.Stat(Path.Join(archives, $"bench-{round}.tar.gz")).Size / 1e6:0.0} MB written");
            }

            foreach (var (what, hashOnServer, withPackage) in new[] { ("store, hashed on the server", true, true), ("store, every file read over SFTP", false, true), ("store, hashed on the server, package not in the catalog", true, false) })
            {
                if (hashOnServer && files.Shell is null && what.Contains("server", StringComparison.Ordinal))
                {
                    continue;
                }

                var container = new BlobContainerClient(azurite.ConnectionString, "bench-" + Guid.NewGuid().ToString("N")[..12]);
                await container.CreateAsync();
                var store = new BlobContentStore(container, "bench");
                for (var round = 1; round <= 2; round++)
                {
                    var staging = ContentStore.Open(Path.Join(scratch, $"{container.Name}-{round}"));
                    var clock = Stopwatch.StartNew();
                    var result = await BlobStoreBackup.CreateAsync(files, site, [], store, "site", $"task{round}", withPackage ? package : null, [],
                        new BlobBackupOptions(staging, TimeSpan.FromHours(24), TimeProvider.System, hashOnServer), CancellationToken.None);
                    Print($"{kind}: {what}, backup {round}", clock,
                        $"{result.Files:N0} files, {result.Backup.FromPackage?.Count ?? 0:N0} contents from the package, {result.Backup.NewObjects:N0} objects uploaded ({result.Backup.NewBytes / 1e6:0.0} MB)");
                }

                await container.DeleteAsync();
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return 0;
    }

    private static void Print(string what, Stopwatch clock, string note) =>
        Console.WriteLine(JsonSerializer.Serialize(new PhaseResult(what, clock.Elapsed.TotalSeconds, Phases.PeakRssMb(), note)));
}
