using System.Diagnostics;
using System.Text.Json;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Access.Sftp;

namespace Installatron.Bench;

/// <summary>
/// A whole remote update's file work over SSH in one process (<c>Installatron.Bench remote-update …</c>): connect,
/// backup (built and verified on the host when the account has a shell, streamed otherwise), apply the new package,
/// verify the site against it. Prints one <see cref="PhaseResult"/> line.
/// </summary>
public static class RemotePhases
{
    /// <param name="args">remote-update HOST PORT LOGIN KEYFILE FINGERPRINT SITE ARCHIVE STAGING NEWZIP OLDZIP</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = new SshSiteSettings(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3], args[5])
        {
            PrivateKey = await File.ReadAllTextAsync(args[4]),
        };
        var (site, archive, staging, newZip, oldZip) = (args[6], args[7], args[8], args[9], args[10]);
        var clock = Stopwatch.StartNew();
        await using var files = await SftpSiteFileSystem.ConnectAsync(settings, CancellationToken.None);
        var connected = clock.Elapsed.TotalSeconds;
        var backup = await SiteBackup.CreateAsync(files, site, [], archive, CancellationToken.None);
        var backedUp = clock.Elapsed.TotalSeconds;
        var applied = await new PackageApplier(TimeProvider.System).ApplyAsync(files,
            new ApplyRequest(site, newZip, oldZip, SiteRecipe.WordPress with { PackageRoot = "wordpress/" }, staging), CancellationToken.None);
        var appliedAt = clock.Elapsed.TotalSeconds;
        var differences = await SiteVerifier.VerifyAgainstPackageAsync(files, site, newZip, SiteRecipe.WordPress with { PackageRoot = "wordpress/" }, CancellationToken.None);
        clock.Stop();
        var note = $"{(files.Shell is null ? "SFTP only" : "shell")}: connect {connected:0.00} s, backup {backedUp - connected:0.00} s ({backup.Files:N0} files), "
            + $"apply {appliedAt - backedUp:0.00} s ({applied.FilesWritten:N0} written, {applied.FilesUnchanged:N0} unchanged), verify {clock.Elapsed.TotalSeconds - appliedAt:0.00} s"
            + (differences.Count == 0 ? "" : $", {differences.Count} DIFFERENCES");
        Console.WriteLine(JsonSerializer.Serialize(new PhaseResult("remote-update", clock.Elapsed.TotalSeconds, Phases.PeakRssMb(), note)));
        return differences.Count == 0 ? 0 : 1;
    }
}
