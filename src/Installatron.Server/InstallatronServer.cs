using Installatron.Core;
using Installatron.Core.Logging;
using Installatron.Core.Storage;
using Installatron.Server.Azurite;
using Installatron.Server.Demo;
using Installatron.Server.Durable;
using Microsoft.DurableTask;

namespace Installatron.Server;

/// <summary>
/// The standalone host: the API on Kestrel, with its own Azurite when no storage account is configured, a development
/// key when none is set, the seed's demo data, and the Durable Task runtime (<see cref="DurableRuntime"/>) running the
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
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.AddInstallatronLogFilters();
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(ServerSettings.DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseBadRequestEnvelope()));
        var settings = ServerSettings.From(configuration);
        builder.Services.AddSingleton(settings);

        AzuriteProcess? azurite = null;
        if (string.IsNullOrEmpty(configuration[StorageAccount.SettingName]) && !configuration.GetSection(StorageAccount.SettingName).GetChildren().Any())
        {
            azurite = await AzuriteProcess.StartAsync(settings.ToolRoot, Path.Combine(settings.DataPath, "azurite"), log, cancellationToken);
            configuration[StorageAccount.SettingName] = azurite.ConnectionString;
        }

        try
        {
            var keys = configuration.GetSection(InstallatronOptions.Section);
            if (string.IsNullOrEmpty(keys["Key"]) && string.IsNullOrEmpty(keys["Key2"]))
            {
                keys["Key"] = DevelopmentKey.LoadOrCreate(settings.DataPath);
            }

            builder.Services.AddInstallatronCore(configuration);
            builder.Services.AddInstallatronDurableRuntime(configuration, registerDurableTasks);
            builder.Services.AddSingleton<DemoData>();
            builder.Services.AddHostedService<AutoUpdateService>();
            builder.Services.AddHostedService<CatalogSyncService>();

            var app = builder.Build();
            app.UseRequestLog();
            app.MapInstallatronRoutes();
            if (settings.DemoData)
            {
                await app.Services.GetRequiredService<DemoData>().EnsureAsync(settings.DataPath, cancellationToken);
            }

            if (azurite is not null)
            {
                // After the hosted services (the Durable Task worker, then its sidecar) have stopped.
                app.Lifetime.ApplicationStopped.Register(() => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult());
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

    public static void PrintWelcome(WebApplication app, TextWriter output)
    {
        var settings = app.Services.GetRequiredService<ServerSettings>();
        var url = app.Urls.FirstOrDefault() ?? ServerSettings.DefaultUrl;
        var generatedKey = Path.Combine(settings.DataPath, "dev-api-key");
        output.WriteLine($"""

            Installatron.Server is listening on {url}
              data folder : {settings.DataPath}
              API key     : {(File.Exists(generatedKey) ? $"generated for development, in {generatedKey}" : "the configured Installatron__Key / Installatron__Key2")}
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
