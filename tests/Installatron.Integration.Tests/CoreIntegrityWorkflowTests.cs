using System.Text.Json.Nodes;
using Installatron.Core.Api;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>
/// Core integrity in the update, with checksums the catalog sync fetched from a local WordPress.org-style source: the
/// demo install runs 6.7.2; the source's 6.7.2 and 6.7.3 are the demo's own core files unless a test says otherwise.
/// </summary>
public sealed class CoreIntegrityWorkflowTests
{
    [Fact]
    public async Task Preflight_ModifiedMissingAndInjectedCoreFiles_ListedByDryrunAllAndOnTheTask()
    {
        await using var source = await SourceAsync(DemoWordPress.CoreFiles("6.7.3"));
        await using var harness = await HarnessAsync(source);
        File.AppendAllText(Path.Combine(harness.SitePath, "wp-includes/functions.php"), "@eval($_POST['x']);\n");
        File.Delete(Path.Combine(harness.SitePath, "wp-login.php"));
        File.WriteAllText(Path.Combine(harness.SitePath, "wp-includes/class-wp-cache-helper.php"), "<?php @eval($_REQUEST['c']);\n");
        File.WriteAllText(Path.Combine(harness.SitePath, "wp-shell.php"), "<?php passthru($_GET['c']);\n");
        File.WriteAllText(Path.Combine(harness.SitePath, "wp-content/uploads/2025/01/not-core.php"), "<?php\n");

        var dryrun = await harness.UpdateAsync("""{"dryrun": "all"}""");

        Assert.Equal(ErrorCodes.CompleteDryrun, dryrun.Errcode);
        var data = Assert.IsType<JsonObject>(dryrun.Data);
        Assert.Equal(DemoData.InstallId, (string?)data["id"]);
        var report = data["core_integrity"]!;
        Assert.Equal("6.7.2", (string?)report["version"]);
        Assert.Equal(["wp-includes/functions.php"], report["modified"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(["wp-login.php"], report["missing"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(["wp-includes/class-wp-cache-helper.php", "wp-shell.php"], report["injected"]!.AsArray().Select(p => (string?)p));

        // The real update reports the same on its task, repairs the core, and leaves the injected files for the owner.
        var update = await harness.UpdateAsync("""{"version": "6.7.3"}""");
        Assert.True(update.Result, update.Message);
        var task = Assert.Single(((Core.Api.Handlers.TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        var onTask = Assert.IsType<UpdateTask>((await harness.GetTaskAsync(task.Id)).Data).CoreIntegrity!;
        Assert.Equal(["wp-includes/functions.php"], onTask.Modified);
        Assert.Equal(["wp-login.php"], onTask.Missing);
        Assert.Equal(["wp-includes/class-wp-cache-helper.php", "wp-shell.php"], onTask.Injected);
        Assert.Equal(DemoWordPress.CoreFiles("6.7.3")["wp-includes/functions.php"], File.ReadAllText(Path.Combine(harness.SitePath, "wp-includes/functions.php")));
        Assert.True(File.Exists(Path.Combine(harness.SitePath, "wp-shell.php")));
    }

    [Fact]
    public async Task Preflight_NoChecksumsKnown_CoreIntegrityNull()
    {
        await using var harness = await WorkflowHarness.StartAsync();

        var dryrun = await harness.UpdateAsync("""{"dryrun": "all"}""");

        Assert.Equal(ErrorCodes.CompleteDryrun, dryrun.Errcode);
        var data = Assert.IsType<JsonObject>(dryrun.Data);
        Assert.True(data.ContainsKey("core_integrity"));
        Assert.Null(data["core_integrity"]);
    }

    [Fact]
    public async Task Verify_NewCoreDiffersFromTheTargetsChecksums_FailedVerifyAndReverted()
    {
        // The catalog's 6.7.3 package (published by hand) is not the release the source publishes checksums for.
        var official = new Dictionary<string, string>(DemoWordPress.CoreFiles("6.7.3"))
        {
            ["wp-includes/functions.php"] = "<?php\n/** The official 6.7.3. */\nfunction wp_demo() { return true; }\n",
        };
        await using var source = await SourceAsync(official);
        await using var harness = await HarnessAsync(source);
        var before = SiteFiles.Hash(harness.SitePath);

        var envelope = await harness.UpdateAsync("""{"version": "6.7.3", "revert": true}""");

        Assert.Equal(ErrorCodes.FailedVerify, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Contains("checksums of wordpress 6.7.3", task.Message);
        Assert.Contains("modified: wp-includes/functions.php", task.Message);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.Equal("6.7.2", (await harness.InstallAsync()).Version);
    }

    /// <summary>The source offers 6.7.3 (in the demo catalog already) to a site on 6.7.2; its 6.7.3 has <paramref name="release673"/>.</summary>
    private static async Task<WordPressOrgServer> SourceAsync(IReadOnlyDictionary<string, string> release673)
    {
        var source = await WordPressOrgServer.StartAsync();
        source.CoreReleases.Add(new FixtureRelease("6.7.2", DemoWordPress.CoreFiles("6.7.2")));
        source.CoreReleases.Add(new FixtureRelease("6.7.3", release673));
        return source;
    }

    /// <summary>The workflow over the demo data, after one catalog sync from <paramref name="source"/> (which stores the checksums).</summary>
    private static async Task<WorkflowHarness> HarnessAsync(WordPressOrgServer source)
    {
        var harness = await WorkflowHarness.StartAsync(settings: new Dictionary<string, string?> { ["Installatron:CatalogSourceUrl"] = source.BaseUrl });
        var run = await harness.Services.GetRequiredService<CatalogSync>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(["wordpress 6.7.3", "wordpress 6.7.2"], run.ChecksumsStored.Order(StringComparer.Ordinal).Reverse());
        return harness;
    }
}
