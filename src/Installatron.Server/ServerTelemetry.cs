using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Installatron.Server;

/// <summary>OpenTelemetry for the standalone server, exported by OTLP to the collector the standard variables name.</summary>
public static class ServerTelemetry
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "Installatron.Server";

    /// <summary>
    /// Traces (requests, outgoing HTTP, Durable Task), metrics and logs, exported to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// (protocol, headers and the rest from the other standard <c>OTEL_</c> variables); nothing when it is not set.
    /// </summary>
    public static IServiceCollection AddInstallatronTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration[OtlpEndpointSetting];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return services;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{OtlpEndpointSetting} must be the http(s) URL of an OpenTelemetry collector; '{endpoint}' is not.");
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSource("Microsoft.DurableTask"))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithLogging()
            .UseOtlpExporter();
        return services;
    }
}
