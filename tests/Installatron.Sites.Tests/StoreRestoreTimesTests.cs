using System.Diagnostics;
using System.Text.Json.Nodes;
using Installatron.Core.Sites;
using Installatron.Core.Sites.Store;
using Installatron.Sites.Tests.Support;

namespace Installatron.Sites.Tests;

/// <summary>A restore from the store gives files and folders back their modification times, to the nanosecond.</summary>
public sealed class StoreRestoreTimesTests : IDisposable
{
    private readonly StoreSite _fixture = new();

    private string Site => _fixture.Site;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task RestoreAsync_FilesAndFoldersChangedAndTouched_MtimesBackToTheNanosecond()
    {
        // Times with nanoseconds that no 100 ns tick holds, on a file, a folder, and the site's root.
        await TouchAsync("2024-03-05 06:07:08.123456789 UTC", "wp-config.php", "wp-content/uploads");
        var before = await TimesAsync(Site);
        var tree = TreeHash.Describe(Site);
        await BackupAsync();

        SiteRestoreTests.Mess(Site);
        await TouchAsync("2025-01-01 00:00:00.5 UTC", "wp-config.php", "wp-content/uploads", "wp-content", "index.php");

        await RestoreAsync();

        Assert.Equal(tree, TreeHash.Describe(Site));
        Assert.Equal(before, await TimesAsync(Site));
        Assert.Contains("wp-config.php 1709618828.1234567890", before);
    }

    [Fact]
    public async Task RestoreAsync_UnchangedFile_ItsTimeLeftAloneAndNotTouched()
    {
        await BackupAsync();
        var ctimeBefore = await RunAsync("stat", "-c", "%z", Path.Join(Site, "index.php"));

        await RestoreAsync();

        // Setting a time it already has would change its ctime, and the next backup would read it again.
        Assert.Equal(ctimeBefore, await RunAsync("stat", "-c", "%z", Path.Join(Site, "index.php")));
    }

    [Fact]
    public async Task RestoreAsync_DocumentWithoutTimes_RestoresTheTree()
    {
        var tree = TreeHash.Describe(Site);
        var result = await BackupAsync();
        var document = JsonNode.Parse(File.ReadAllText(result.DocumentPath))!;
        var entries = document["manifest"]!["entries"]!.AsArray();
        Assert.Contains(entries, e => e!["mtime"] is not null);
        foreach (var entry in entries)
        {
            entry!.AsObject().Remove("mtime");
        }

        File.WriteAllText(result.DocumentPath, document.ToJsonString());
        SiteRestoreTests.Mess(Site);

        await RestoreAsync();

        Assert.Equal(tree, TreeHash.Describe(Site));
    }

    private Task<StoreBackupResult> BackupAsync() => _fixture.BackupAsync("task1");

    private Task<RestoreResult> RestoreAsync() => _fixture.RestoreAsync("task1");

    private async Task TouchAsync(string time, params string[] paths)
    {
        foreach (var path in paths)
        {
            await RunAsync("touch", "-h", "-m", "-d", time, Path.Join(Site, path));
        }
    }

    /// <summary>Every file's and folder's mtime as <c>find -printf %T@</c> prints it (ten decimals), but the root's (not an entry of a backup).</summary>
    private static async Task<IReadOnlyList<string>> TimesAsync(string root) =>
        (await RunAsync("find", root, "(", "-type", "f", "-o", "-type", "d", ")", "-printf", "%P %T@\\n"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(' ')).Order(StringComparer.Ordinal).ToList();

    private static async Task<string> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
