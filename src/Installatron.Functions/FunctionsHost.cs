using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Installatron.Core;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Installatron.Functions;

/// <summary>Everything the Functions worker registers, in one call (Program.cs and the tests use it).</summary>
public static class FunctionsHost
{
    /// <summary>
    /// The core, the app's own settings (checked now and again at start), and, when Application Insights is
    /// configured, OpenTelemetry with the worker's defaults exported to Azure Monitor (with a Microsoft Entra token when
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> asks for one, as the Bicep sets it).
    /// </summary>
    public static IServiceCollection AddInstallatronFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        var options = FunctionsOptions.Load(configuration);
        services.AddOptions<FunctionsOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FunctionsOptions>, FunctionsOptionsValidator>();
        services.AddInstallatronCore(configuration);

        if (options.ApplicationInsightsConnectionString.Length > 0)
        {
            services.AddOpenTelemetry()
                .UseFunctionsWorkerDefaults()
                .UseAzureMonitorExporter(exporter =>
                {
                    exporter.ConnectionString = options.ApplicationInsightsConnectionString;
                    exporter.Credential = Credential(options);
                });
        }

        return services;
    }

    private static TokenCredential? Credential(FunctionsOptions options) =>
        options.ApplicationInsightsAuthentication.Length == 0 ? null
        : options.ApplicationInsightsClientId is { } clientId ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
        : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
}
