using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Outbound;

/// <summary><c>POST /catalog/sync</c> on the real server announces the versions it added, once.</summary>
public sealed class CatalogSyncAnnouncementTests
{
    [Fact]
    public async Task SyncCatalog_AddsANewerVersion_AnnouncedOnceNotAgainOnTheNextSync()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var source = await WordPressOrgServer.StartAsync();
        source.CoreReleases.AddRange(
        [
            new FixtureRelease("6.7.2", WordPressReleases.Core("6.7.2")),
            new FixtureRelease("6.7.3", WordPressReleases.Core("6.7.3")),
            new FixtureRelease("6.7.4", WordPressReleases.Core("6.7.4")),
        ]);
        await using var server = await ApiServer.StartAsync(settings: ["--Installatron:CatalogSourceUrl", source.BaseUrl, .. smtp.Arguments]);
        var installs = server.Services.GetRequiredService<InstallStore>();
        var stored = (await installs.GetAsync(DemoData.InstallId, CancellationToken.None))!;
        await installs.ReplaceAsync(stored.Value with { Notification = [NotificationEvents.UpdateAvailable], Autoup = "none", Email = "" }, stored.ETag, CancellationToken.None);

        (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null);

        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("[Installatron] WordPress 6.7.4 is available for http://website.com/staging", mail.Subject);
        Assert.Equal(["username@website.com"], mail.Recipients);

        (await server.PostJsonAsync("/catalog/sync", "{}")).AssertEnvelope(200, null);
        await smtp.AssertNoMoreThanAsync(1);
    }
}
