using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Installatron.Integration.Tests;

/// <summary>The standalone server's settings (<see cref="ServerOptions"/>): defaults, and bad values that stop the start.</summary>
public sealed class ServerOptionsTests
{
    private static ServerOptions Load(params (string Key, string Value)[] settings) =>
        ServerOptions.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Load_NothingSet_Defaults()
    {
        var options = Load();

        Assert.Equal("installatron", options.TaskHub);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DurableLockTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.DurableQueuePolling);
        Assert.Equal(360, options.AutoUpdateMinutes);
        Assert.Equal(720, options.CatalogSyncMinutes);
        Assert.True(options.DemoData);
        Assert.Equal(RepositoryPaths.Root, options.ToolRoot);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, ".data"), options.DataPath);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("t0123456789ab")]
    [InlineData("InstallatronStaging2")]
    public void Load_ValidTaskHub_Taken(string taskHub) =>
        Assert.Equal(taskHub, Load(("Installatron:TaskHub", taskHub)).TaskHub);

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("my-hub")]
    [InlineData("a234567890123456789012345678901234567890123456")]
    public void Load_InvalidTaskHub_RefusedNamingTheSetting(string taskHub)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load(("Installatron:TaskHub", taskHub)));
        Assert.Contains("Installatron:TaskHub must be 3 to 45 letters and digits", error.Message);
    }

    [Theory]
    [InlineData("Installatron:DurableLockTimeout", "00:00:04", "Installatron:DurableLockTimeout must be a time span from 00:00:05")]
    [InlineData("Installatron:DurableQueuePolling", "00:00:00.001", "Installatron:DurableQueuePolling must be a time span from 00:00:00.010")]
    [InlineData("Installatron:AutoUpdateMinutes", "-1", "Installatron:AutoUpdateMinutes must be a number of minutes from 0")]
    [InlineData("Installatron:CatalogSyncMinutes", "600000", "Installatron:CatalogSyncMinutes must be a number of minutes from 0")]
    public void Load_OutOfRange_RefusedNamingTheSetting(string key, string value, string message) =>
        Assert.Contains(message, Assert.Throws<OptionsValidationException>(() => Load((key, value))).Message);

    [Theory]
    [InlineData("Installatron:DurableLockTimeout", "soon")]
    [InlineData("Installatron:DemoData", "maybe")]
    [InlineData("Installatron:AutoUpdateMinutes", "often")]
    public void Load_Unreadable_RefusedNamingTheSetting(string key, string value) =>
        Assert.Contains($"'{key}'", Assert.Throws<InvalidOperationException>(() => Load((key, value))).Message);

    [Fact]
    public async Task BuildAsync_BadSetting_StopsBeforeAnythingStartsWithAClearMessage()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "installatron-tests", TestIds.NewPrefix());
        var log = new StringWriter();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => InstallatronServer.BuildAsync(
            ["--urls", "http://127.0.0.1:0", "--Installatron:DataPath", dataPath, "--Installatron:TaskHub", "my-hub"], log));

        Assert.Contains("Installatron:TaskHub must be 3 to 45 letters and digits", error.Message);
        Assert.False(Directory.Exists(dataPath), "Nothing (no Azurite, no key, no demo data) may have been created.");
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public async Task BuildAsync_IdentityBasedStorageOnly_RefusedWithTheReason()
    {
        var dataPath = TestIds.NewTempDirectory();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InstallatronServer.BuildAsync(
                ["--urls", "http://127.0.0.1:0", "--Installatron:DataPath", dataPath, "--Installatron:Key", ApiServer.Key,
                 "--AzureWebJobsStorage:accountName", "example"], TextWriter.Null));

            Assert.Contains("needs AzureWebJobsStorage as a connection string", error.Message);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
