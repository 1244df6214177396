using Installatron.Functions;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Installatron.Integration.Tests;

/// <summary>OpenTelemetry in both hosts, exported to a real HTTP back end on loopback.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Server_OtlpEndpointSet_ExportsTheRequestsTraceAndLogs()
    {
        await using var receiver = await TelemetryReceiver.StartAsync();
        var server = await ApiServer.StartAsync(settings:
        [
            "--OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Url.ToString(),
            "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "--Logging:LogLevel:Installatron", "Information",
        ]);
        try
        {
            (await server.GetAsync($"/installs/{DemoData.InstallId}")).AssertEnvelope(200, null);
        }
        finally
        {
            await server.DisposeAsync(); // Stopping the server flushes its exporters.
        }

        Assert.True(receiver.Holds("/v1/traces", "/installs/{id}"), "No trace of GET /installs/{id} reached the collector.");
        Assert.True(receiver.Holds("/v1/traces", "Installatron.Server"), "The traces do not name the service.");
        Assert.Contains(receiver.Received, r => r.Path.EndsWith("/v1/logs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_NoOtlpEndpoint_NoTelemetryPipeline()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);

        Assert.Null(server.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    [Fact]
    public async Task Functions_ApplicationInsightsConfigured_ExportsLogsToAzureMonitor()
    {
        await using var receiver = await TelemetryReceiver.StartAsync();
        var probe = "functions-telemetry-probe-" + TestIds.NewPrefix();
        using (var host = FunctionsWorker(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={receiver.Url}",
        }))
        {
            await host.StartAsync();
            host.Services.GetRequiredService<ILogger<TelemetryTests>>().LogWarning("{Probe} from the worker", probe);
            await host.StopAsync();
        }

        Assert.True(receiver.Holds("/v2.1/track", probe), "The worker's log did not reach Azure Monitor's ingestion endpoint.");
    }

    [Theory]
    [InlineData("INSTALLATRON_AUTOUPDATE_SCHEDULE", "0 */6 * * *", "INSTALLATRON_AUTOUPDATE_SCHEDULE must be an NCRONTAB schedule of six fields")]
    [InlineData("INSTALLATRON_AUTOUPDATE_SCHEDULE", "", "INSTALLATRON_AUTOUPDATE_SCHEDULE must be an NCRONTAB schedule of six fields")]
    [InlineData("INSTALLATRON_CATALOGSYNC_SCHEDULE", "every 12 hours", "INSTALLATRON_CATALOGSYNC_SCHEDULE must be an NCRONTAB schedule of six fields")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=Basic", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be 'Authorization=AAD'")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "https://example.com", "APPLICATIONINSIGHTS_CONNECTION_STRING must be an Application Insights connection string")]
    public void Functions_BadSetting_WorkerDoesNotStartAndSaysWhich(string setting, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FunctionsWorker(new() { [setting] = value }));

        Assert.Contains(message, error.Message);
    }

    /// <summary>The Functions worker's services (Program.cs's one call) in a plain host: the worker itself needs the Functions host.</summary>
    private static IHost FunctionsWorker(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [FunctionsOptions.AutoUpdateScheduleSetting] = FunctionsOptions.DefaultAutoUpdateSchedule,
            [FunctionsOptions.CatalogSyncScheduleSetting] = FunctionsOptions.DefaultCatalogSyncSchedule,
            ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddInstallatronFunctions(builder.Configuration);
        return builder.Build();
    }
}
