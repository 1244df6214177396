using Installatron.Core;
using Installatron.Core.Logging;
using Installatron.Core.Storage;
using Installatron.DurableSidecar;
using Installatron.Server.Azurite;
using Installatron.Server.Demo;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Installatron.Server;

/// <summary>
/// The standalone host: the API on Kestrel, with its own Azurite when no storage account is configured, a development
/// key when none is set, the seed's demo data, and the Durable Task runtime (Installatron.DurableSidecar) running the
/// product's orchestrations.
/// </summary>
public static class InstallatronServer
{
    /// <summary>The product's orchestrations and activities, which every server hosts.</summary>
    public static void RegisterDurableTasks(DurableTaskRegistry registry) => registry.AddInstallatronWorkflow();

    public static Task<WebApplication> BuildAsync(string[] args, TextWriter log, CancellationToken cancellationToken = default) =>
        BuildAsync(args, log, RegisterDurableTasks, cancellationToken);

    /// <summary>The server, hosting the orchestrations and activities <paramref name="registerDurableTasks"/> adds.</summary>
    public static async Task<WebApplication> BuildAsync(
        string[] args, TextWriter log, Action<DurableTaskRegistry> registerDurableTasks, CancellationToken cancellationToken = default)
    {
        // The slim builder (docs/benchmarks.md, the wrong key against a bare endpoint): of the default builder's extras
        // the server uses none — the Debug and EventSource log providers (the console's stays), IIS integration, hosting
        // startup assemblies, regex route constraints. HTTPS endpoints in configuration keep working.
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.AddInstallatronLogFilters();
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(ServerOptions.DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseBadRequestEnvelope()));
        var options = ServerOptions.Load(configuration);
        builder.Services.AddInstallatronTelemetry(configuration);
        AzuriteProcess? azurite = null;
        if (string.IsNullOrEmpty(configuration[StorageAccount.SettingName]) && !configuration.GetSection(StorageAccount.SettingName).GetChildren().Any())
        {
            azurite = await AzuriteProcess.StartAsync(options.ToolRoot, Path.Combine(options.DataPath, "azurite"), log, cancellationToken);
            configuration[StorageAccount.SettingName] = azurite.ConnectionString;
        }

        try
        {
            var keys = configuration.GetSection(InstallatronOptions.Section);
            if (string.IsNullOrEmpty(keys["Key"]) && string.IsNullOrEmpty(keys["Key2"]))
            {
                keys["Key"] = DevelopmentKey.LoadOrCreate(options.DataPath);
            }

            if (string.IsNullOrEmpty(keys["SecretsKey"]) && string.IsNullOrEmpty(keys["SecretsKey2"]))
            {
                keys["SecretsKey"] = DevelopmentKey.LoadOrCreateSecretsKey(options.DataPath);
            }

            builder.Services.AddOptions<ServerOptions>()
                .Bind(configuration.GetSection(ServerOptions.Section))
                .PostConfigure(ServerOptions.ApplyDefaults)
                .ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
            if (azurite is not null)
            {
                // Registered before the Durable runtime, so stopped after it: the backend lets go of its leases first.
                builder.Services.AddSingleton(azurite);
                builder.Services.AddHostedService(provider => new AzuriteLifetime(azurite, provider.GetRequiredService<ILogger<AzuriteLifetime>>()));
            }

            builder.Services.AddInstallatronCore(configuration);
            builder.Services.AddDurableSidecarRuntime(DurableSettings(configuration, options), registerDurableTasks);
            builder.Services.AddSingleton<DemoData>();
            builder.Services.AddHostedService<AutoUpdateService>();
            builder.Services.AddHostedService<CatalogSyncService>();

            var app = builder.Build();
            app.UseRequestLog();
            app.UseKeyCheckFirst();
            app.UseRouting();
            app.MapInstallatronRoutes();
            if (options.DemoData)
            {
                await app.Services.GetRequiredService<DemoData>().EnsureAsync(options.DataPath, cancellationToken);
            }

            return app;
        }
        catch
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            throw;
        }
    }

    private static DurableRuntimeSettings DurableSettings(IConfiguration configuration, ServerOptions options)
    {
        var connectionString = configuration[StorageAccount.SettingName];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"The Durable Task runtime of the standalone server needs {StorageAccount.SettingName} as a connection string " +
                "(Azurite's, when the server starts its own); identity-based settings are for the Functions app.");
        }

        return new DurableRuntimeSettings(options.TaskHub, connectionString, options.DurableLockTimeout) { QueuePollingMax = options.DurableQueuePolling };
    }

    public static void PrintWelcome(WebApplication app, TextWriter output)
    {
        var settings = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        var url = app.Urls.FirstOrDefault() ?? ServerOptions.DefaultUrl;
        var generatedKey = Path.Combine(settings.DataPath, "dev-api-key");
        output.WriteLine($"""

            Installatron.Server is listening on {url}
              data folder : {settings.DataPath}
              API key     : {(File.Exists(generatedKey) ? $"generated for development, in {generatedKey}" : "the configured Installatron__Key / Installatron__Key2")}
              storage     : {(app.Services.GetService<AzuriteProcess>() is { } azurite
                  ? $"Azurite pid {azurite.Pid} ({azurite.Ports}), local development only: see README"
                  : "the configured AzureWebJobsStorage")}
            """);
        if (settings.DemoData)
        {
            output.WriteLine($"""
                  demo install: {DemoData.InstallId} (WordPress 6.7.2 at {DemoData.SiteUrl}, user {DemoData.User})

                Try the seed's first example:
                  curl -X POST {url}/installs/{DemoData.InstallId}/update \
                    -H "X-API-KEY: {(File.Exists(generatedKey) ? $"$(cat {generatedKey})" : "<your Installatron__Key>")}" -H 'Content-Type: application/json' \
                    -d '{"{"}"user": "{DemoData.User}", "dryrun": "input"{"}"}'
                """);
        }

        output.WriteLine("Press Ctrl+C to stop.");
    }
}
