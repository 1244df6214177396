using System.IO.Compression;
using System.Security.Cryptography;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests;

/// <summary>
/// After an update the site must report the versions installed from its own files. Packages that would leave an
/// old version in place are refused at publish; these are forced into the catalog past the publisher, as a corrupt
/// catalog or a bug would, to prove the update itself does not report a false success.
/// </summary>
public sealed class PostConditionTests
{
    [Fact]
    public async Task Update_CorePackageLeavesTheOldVersion_FailedVerifyAndReverted()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        // 6.7.2's files, catalogued as 6.7.4: the tree will match the package, the version will not.
        await ForceIntoCatalogAsync(harness, Applications.WordPress, "6.7.4", DemoWordPress.CoreFiles("6.7.2").Select(kv => (kv.Key, kv.Value)));
        var before = SiteFiles.Hash(harness.SitePath);

        var envelope = await harness.UpdateAsync("""{"version": "6.7.4", "revert": true}""");

        Assert.Equal(ErrorCodes.FailedVerify, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Contains("wp-includes/version.php says WordPress 6.7.2, not 6.7.4", task.Message);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
        Assert.Equal("6.7.2", (await harness.InstallAsync()).Version);
    }

    [Fact]
    public async Task Update_PluginPackageWithAnOldHeader_FailedVerifyAndReverted()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        await ForceIntoCatalogAsync(harness, "wp-plugin-akismet", "5.3.9",
            [("akismet/akismet.php", "<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.3.6\n*/\n")]);
        var before = SiteFiles.Hash(harness.SitePath);

        var envelope = await harness.UpdateAsync("""{"version": "current", "plugins": ["akismet"], "revert": true}""");

        Assert.Equal(ErrorCodes.FailedVerify, envelope.Errcode);
        var task = Assert.IsType<UpdateTask>(envelope.Data);
        Assert.Equal(TaskStatuses.Reverted, task.Status);
        Assert.Contains("the plugin akismet says version 5.3.6 in its header, not 5.3.9", task.Message);
        Assert.Equal(before, SiteFiles.Hash(harness.SitePath));
    }

    [Fact]
    public async Task Update_GoodPackage_PostConditionsHoldAndTaskComplete()
    {
        await using var harness = await WorkflowHarness.StartAsync();

        var envelope = await harness.UpdateAsync("""{"version": "6.7.3", "plugins": ["akismet"], "revert": true}""");

        Assert.True(envelope.Result, envelope.Message);
        Assert.Equal("6.7.3", Assert.IsType<Install>(envelope.Data).Version);
    }

    /// <summary>Stores a package and its catalog row directly, skipping every check the publisher makes.</summary>
    private static async Task ForceIntoCatalogAsync(WorkflowHarness harness, string application, string version, IEnumerable<(string Path, string Content)> files)
    {
        using var package = new MemoryStream();
        using (var zip = new ZipArchive(package, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(path).Open());
                await writer.WriteAsync(content);
            }
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(package.ToArray()));
        package.Position = 0;
        await harness.Services.GetRequiredService<CatalogStore>().PublishAsync(new CatalogVersion
        {
            Application = application,
            Version = version,
            Branch = AppVersion.Parse(version).DefaultBranch,
            Package = new PackageInfo(CatalogStore.BlobNameFor(application, version, sha256), package.Length, sha256, 1),
        }, package, CancellationToken.None);
    }
}
