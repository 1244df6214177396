using Installatron.Server.Durable;
using Microsoft.Extensions.Configuration;

namespace Installatron.Integration.Tests.Durable;

public sealed class DurableRuntimeSettingsTests
{
    private const string ConnectionString = "UseDevelopmentStorage=true";

    private static DurableRuntimeSettings From(params (string Key, string Value)[] settings) =>
        DurableRuntimeSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void From_OnlyConnectionString_DefaultTaskHubAndLockTimeout()
    {
        var settings = From(("AzureWebJobsStorage", ConnectionString));

        Assert.Equal(new DurableRuntimeSettings("installatron", ConnectionString, TimeSpan.FromSeconds(30)), settings);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("t0123456789ab")]
    [InlineData("InstallatronStaging2")]
    public void From_ValidTaskHub_Taken(string taskHub) =>
        Assert.Equal(taskHub, From(("AzureWebJobsStorage", ConnectionString), ("Installatron:TaskHub", taskHub)).TaskHub);

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("my-hub")]
    [InlineData("a234567890123456789012345678901234567890123456")]
    public void From_InvalidTaskHub_Refused(string taskHub)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("AzureWebJobsStorage", ConnectionString), ("Installatron:TaskHub", taskHub)));
        Assert.Contains("Installatron:TaskHub", error.Message);
    }

    [Fact]
    public void From_NoConnectionString_Refused() =>
        Assert.Throws<InvalidOperationException>(() => From(("AzureWebJobsStorage:accountName", "example")));

    [Theory]
    [InlineData("00:00:04")]
    [InlineData("soon")]
    public void From_LockTimeoutTooShortOrUnreadable_Refused(string lockTimeout) =>
        Assert.Throws<InvalidOperationException>(() => From(("AzureWebJobsStorage", ConnectionString), ("Installatron:DurableLockTimeout", lockTimeout)));
}
