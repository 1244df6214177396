using System.Diagnostics;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests;

/// <summary>The README's run command on a fresh machine: no storage configured, no key configured.</summary>
public sealed class FreshServerTests
{
    [Fact]
    public async Task Server_NothingConfigured_StartsOwnAzuriteDevKeyAndDemoAndStopsAzuriteOnExit()
    {
        var dataPath = TestIds.NewTempDirectory();
        var log = new StringWriter();
        var app = await InstallatronServer.BuildAsync(
            ["--urls", "http://127.0.0.1:0", "--Installatron:DataPath", dataPath, "--Logging:LogLevel:Default", "Warning"], log);
        try
        {
            await app.StartAsync();
            InstallatronServer.PrintWelcome(app, log);
            var key = (await File.ReadAllTextAsync(Path.Combine(dataPath, "dev-api-key"))).Trim();
            Assert.Contains(DemoData.InstallId, log.ToString());
            Assert.DoesNotContain(key, log.ToString());

            using var client = ApiClient.Create(new Uri(app.Urls.First()), key);
            using var seedExample3 = await client.PostAsync("/installs/exampleaccountname/update",
                new StringContent("""{"version": "1.1.2"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(404, (int)seedExample3.StatusCode);
            Assert.Contains(ErrorCodes.InstallNotFound, await seedExample3.Content.ReadAsStringAsync());

            using var demo = await client.GetAsync($"/installs/{DemoData.InstallId}");
            Assert.Equal(200, (int)demo.StatusCode);
            Assert.True(File.Exists(Path.Combine(dataPath, "demo", "home", DemoData.User, "public_html", "staging", "wp-includes", "version.php")));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        var azuritePids = Process.GetProcessesByName("node")
            .Where(p => File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(dataPath, StringComparison.Ordinal));
        Assert.Empty(azuritePids);
        Assert.False(File.Exists(Path.Combine(dataPath, "azurite", "azurite-process.json")));
        Directory.Delete(dataPath, recursive: true);
    }
}
