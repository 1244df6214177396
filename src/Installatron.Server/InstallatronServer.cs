using Installatron.Core;
using Installatron.Core.Storage;
using Installatron.Server.Azurite;
using Installatron.Server.Demo;

namespace Installatron.Server;

/// <summary>
/// The standalone host: the API on Kestrel, with its own Azurite when no storage account is configured, a development
/// key when none is set, and the seed's demo data.
/// </summary>
public static class InstallatronServer
{
    public static async Task<WebApplication> BuildAsync(string[] args, TextWriter log, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(ServerSettings.DefaultUrl);
        }

        var settings = ServerSettings.From(configuration);
        builder.Services.AddSingleton(settings);

        AzuriteProcess? azurite = null;
        if (string.IsNullOrEmpty(configuration[StorageAccount.SettingName]) && !configuration.GetSection(StorageAccount.SettingName).GetChildren().Any())
        {
            azurite = await AzuriteProcess.StartAsync(settings.ToolRoot, Path.Combine(settings.DataPath, "azurite"), log, cancellationToken);
            configuration[StorageAccount.SettingName] = azurite.ConnectionString;
        }

        var keys = configuration.GetSection(InstallatronOptions.Section);
        if (string.IsNullOrEmpty(keys["Key"]) && string.IsNullOrEmpty(keys["Key2"]))
        {
            keys["Key"] = DevelopmentKey.LoadOrCreate(settings.DataPath);
        }

        builder.Services.AddInstallatronCore(configuration);
        builder.Services.AddSingleton<DemoData>();

        var app = builder.Build();
        if (azurite is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        app.MapInstallatronRoutes();
        if (settings.DemoData)
        {
            try
            {
                await app.Services.GetRequiredService<DemoData>().EnsureAsync(settings.DataPath, cancellationToken);
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

        return app;
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
                    -H "X-API-KEY: $(cat {generatedKey})" -H 'Content-Type: application/json' \
                    -d '{"{"}"user": "{DemoData.User}", "dryrun": "input"{"}"}'
                """);
        }

        output.WriteLine("Press Ctrl+C to stop.");
    }
}
