using System.IO.Compression;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Processes;

namespace Installatron.Bench.Live;

/// <summary>
/// The live site's state before an update (its files copied with their times, its database dumped, its install row),
/// put back before every measured update so each side starts from the same site.
/// </summary>
public sealed class LiveSite(LiveWordPress wordpress, string work)
{
    private string Snapshot => Path.Combine(work, "snapshot");

    private string Baseline => Path.Combine(work, "baseline.sql");

    public LiveWordPress WordPress => wordpress;

    /// <summary>The account's backup store (<c>~/.appdata/backups</c>; the account's home is the site's root).</summary>
    public string StorePath => Path.Combine(wordpress.Root, BackupLocations.AppDataFolder, "backups");

    /// <summary>What the database clients need: the password goes in their environment, never on a command line.</summary>
    public IReadOnlyDictionary<string, string?> DatabaseEnvironment => new Dictionary<string, string?> { ["MYSQL_PWD"] = wordpress.Database.Password };

    public string DatabaseArguments =>
        $"-h {wordpress.Database.Host} -P {wordpress.Database.Port} -u {wordpress.Database.User} {wordpress.Database.Name}";

    /// <summary>A full archive of the site as saved (<c>tar czf</c>), for the <c>tar xzf</c> side.</summary>
    public string Archive => Path.Combine(work, "full.tar.gz");

    /// <summary><see cref="TreeHash"/> of the site as saved.</summary>
    public string SavedTreeHash { get; private set; } = "";

    private string TablesDump => Path.Combine(work, "tables.sql");

    public async Task SaveAsync()
    {
        await RunAsync("cp", "-a", wordpress.SitePath, Snapshot);
        await ShellAsync($"mariadb-dump --single-transaction {DatabaseArguments} > '{Baseline}'");
        await ShellAsync($"{ComparableDump} > '{TablesDump}'");
        await RunAsync("tar", "czf", Archive, "-C", wordpress.Root, "public_html");
        SavedTreeHash = SiteFiles.Hash(Snapshot);
    }

    /// <summary>Every path, mode and content of the site (the integration tests' byte-identity check).</summary>
    public string TreeHash() => SiteFiles.Hash(wordpress.SitePath);

    /// <summary>The tables hold what they held when saved (a dump without its date, compared byte for byte).</summary>
    public async Task<bool> TablesAsSavedAsync()
    {
        var now = Path.Combine(work, "tables-now.sql");
        await ShellAsync($"{ComparableDump} > '{now}'");
        var (saved, current) = (await File.ReadAllBytesAsync(TablesDump), await File.ReadAllBytesAsync(now));
        return saved.AsSpan().SequenceEqual(current);
    }

    private string ComparableDump => $"mariadb-dump --single-transaction --skip-dump-date --skip-comments {DatabaseArguments}";

    /// <summary>The site's files and tables as saved, its install row as <paramref name="install"/>; with <paramref name="emptyStore"/> no backup of the account left.</summary>
    public async Task RestoreAsync(InstallStore installs, BackupStore backups, Core.Domain.Install install, bool emptyStore)
    {
        await RunAsync("rm", "-rf", wordpress.SitePath);
        await RunAsync("cp", "-a", Snapshot, wordpress.SitePath);
        await ShellAsync($"mariadb {DatabaseArguments} < '{Baseline}'");
        var row = (await installs.GetAsync(install.Id, CancellationToken.None))!;
        await installs.ReplaceAsync(install, row.ETag, CancellationToken.None);
        if (emptyStore)
        {
            foreach (var backup in await backups.ListAsync(install.Id, CancellationToken.None))
            {
                await backups.DeleteAsync(backup, CancellationToken.None);
            }

            await RunAsync("rm", "-rf", StorePath);
        }

        // What the restore wrote goes to disk now, not during the next measurement.
        await RunAsync("sync");
    }

    /// <summary>The package's files rooted at the site (<c>wordpress/</c> taken off), as <c>unzip -o</c> over the site needs them.</summary>
    public static string Unrooted(string package, string root)
    {
        var path = Path.ChangeExtension(package, ".unrooted.zip");
        using var source = ZipFile.OpenRead(package);
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in source.Entries.Where(e => e.FullName.StartsWith(root, StringComparison.Ordinal) && e.FullName.Length > root.Length))
        {
            var copy = target.CreateEntry(entry.FullName[root.Length..], CompressionLevel.Fastest);
            copy.LastWriteTime = entry.LastWriteTime;
            using var from = entry.Open();
            using var to = copy.Open();
            from.CopyTo(to);
        }

        return path;
    }

    public Task ShellAsync(string command) => RunAsync(DatabaseEnvironment, "bash", "-c", "set -o pipefail; " + command);

    public static Task RunAsync(params string[] command) => RunAsync(null, command);

    private static async Task RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] command) =>
        (await ChildProcess.RunAsync(command[0], command[1..], TimeSpan.FromMinutes(5), environment: environment)).EnsureSuccess();
}
