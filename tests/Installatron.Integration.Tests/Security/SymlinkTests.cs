using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// Two hosting accounts on one server. The attacker owns the demo install and its home; the victim has a site of
/// its own. Whatever links the attacker plants in its home — at import, between import and update, or in the
/// middle of an update — not a byte of the victim's site (or of anything outside the attacker's home) changes.
/// </summary>
public sealed class SymlinkTests
{
    private const string Victim = "victim";

    [Theory]
    [InlineData("victim-site")]
    [InlineData("etc")]
    public async Task Import_PathIsLinkOutOfHome_RefusedAndNothingStored(string target)
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var victimSite = await AddVictimAsync(harness);
        var link = Path.Combine(Home(harness), "public_html", "evil");
        File.CreateSymbolicLink(link, target == "etc" ? "/etc" : victimSite);

        var envelope = await harness.ImportAsync(ImportBody(link));

        Assert.Equal((500, ErrorCodes.FailedFilesystemPermission, "path"), (envelope.Status, envelope.Errcode, envelope.Errfield));
        Assert.Contains("outside the account's home", envelope.Message);
        Assert.Single(await harness.Services.GetRequiredService<InstallStore>().ListAsync(DemoData.User, CancellationToken.None));
    }

    [Fact]
    public async Task Import_LinkInsideHome_AcceptedAsTheRealFolder()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var real = Path.Combine(Home(harness), "sites", "blog");
        DemoWordPress.WriteSite(real, "6.7.2", "http://website.com/blog");
        var link = Path.Combine(Home(harness), "public_html", "blog");
        File.CreateSymbolicLink(link, real);

        var envelope = await harness.ImportAsync(ImportBody(link, "blog"));

        Assert.True(envelope.Result, envelope.Message);
        Assert.Equal(link, Assert.IsType<Install>(envelope.Data).Path);
    }

    [Fact]
    public async Task Update_SiteFolderSwappedForLinkAfterImport_RefusedAndVictimUntouched()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var victimSite = await AddVictimAsync(harness);
        var before = SiteFiles.Hash(victimSite);
        Directory.Delete(harness.SitePath, recursive: true);
        File.CreateSymbolicLink(harness.SitePath, victimSite);

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        Assert.Equal((500, ErrorCodes.FailedFilesystemPermission), (envelope.Status, envelope.Errcode));
        Assert.Equal(before, SiteFiles.Hash(victimSite));
        Assert.Equal("6.7.2", (await harness.InstallAsync()).Version);
    }

    [Fact]
    public async Task Update_WorkFolderIsLinkToVictim_RefusedAndVictimUntouched()
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var victimSite = await AddVictimAsync(harness);
        var before = SiteFiles.Hash(victimSite);
        File.CreateSymbolicLink(Path.Combine(Home(harness), BackupLocations.AppDataFolder), victimSite);
        var site = SiteFiles.Hash(harness.SitePath);

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        Assert.Equal((500, ErrorCodes.FailedFilesystemPermission), (envelope.Status, envelope.Errcode));
        Assert.Equal(before, SiteFiles.Hash(victimSite));
        Assert.Equal(site, SiteFiles.Hash(harness.SitePath));
    }

    [Theory]
    [InlineData(UpdateFaults.BeforeBackup)]
    [InlineData(UpdateFaults.BeforeApply)]
    public async Task Update_SiteSwappedForLinkMidUpdate_StepRefusesAndVictimUntouched(string point)
    {
        await using var harness = await WorkflowHarness.StartAsync();
        var victimSite = await AddVictimAsync(harness);
        var before = SiteFiles.Hash(victimSite);
        var moved = harness.SitePath + "-moved";
        harness.Faults.OnPoint = at =>
        {
            if (at == point && !Directory.Exists(moved))
            {
                Directory.Move(harness.SitePath, moved);
                File.CreateSymbolicLink(harness.SitePath, victimSite);
            }
        };

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        // The step had resolved the site before the swap; the file engine itself refuses a root reached through a link.
        Assert.False(envelope.Result);
        Assert.Contains("symbolic link", envelope.Message);
        Assert.Equal(before, SiteFiles.Hash(victimSite));
        Assert.Empty(Directory.GetFiles(victimSite, ".maintenance"));
    }

    private static string Home(WorkflowHarness harness) => Path.Combine(harness.DataPath, "demo", "home", DemoData.User);

    /// <summary>A second account with a WordPress site of its own, outside the attacker's home.</summary>
    private static async Task<string> AddVictimAsync(WorkflowHarness harness)
    {
        var home = Path.Combine(harness.DataPath, "demo", "home", Victim);
        var site = Path.Combine(home, "public_html");
        DemoWordPress.WriteSite(site, "6.7.2", "http://victim.example");
        await harness.Services.GetRequiredService<UserStore>().AddAsync(
            new HostingUser { User = Victim, Home = home, Vhosts = ["victim.example"] }, CancellationToken.None);
        return site;
    }

    /// <summary>An import of a demo site; no database runs for it, so <c>"tables": []</c> (else the import lists them from the database).</summary>
    private static string ImportBody(string path, string folder = "evil") => $$"""
        {"user": "{{DemoData.User}}", "application": "wordpress", "version": "6.7.2", "path": "{{path}}", "url": "http://website.com/{{folder}}", "tables": []}
        """;
}
