using System.Text;
using System.Text.Json;
using Installatron.Core;
using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Workflow;
using Installatron.Functions;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Installatron.Integration.Tests;

/// <summary>The Functions app: its built metadata, and its function methods called directly over Azurite.</summary>
public sealed class FunctionsAppTests
{
    [Fact]
    public void FunctionsMetadata_EveryRouteWithItsMethod()
    {
        var metadataPath = Path.Combine(RepositoryPaths.Root, "src", "Installatron.Functions", "bin", RepositoryPaths.Configuration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var functions = metadata.RootElement.EnumerateArray().Where(IsHttpFunction).Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
            Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString(), ignoreCase: true);
            var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList();
            return new ApiRoute(function.GetProperty("name").GetString()!, Assert.Single(methods), trigger.GetProperty("route").GetString()!);
        });

        Assert.Equal(ApiRoutes.All.OrderBy(r => r.Name), functions.OrderBy(r => r.Name));
    }

    [Fact]
    public void FunctionsMetadata_OrchestrationAndEveryActivity()
    {
        var metadataPath = Path.Combine(RepositoryPaths.Root, "src", "Installatron.Functions", "bin", RepositoryPaths.Configuration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var triggers = metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()).First());
        Assert.Equal("orchestrationTrigger", triggers[TaskNames.UpdateInstall]);
        foreach (var activity in new[] { TaskNames.Preflight, TaskNames.HealthBaseline, TaskNames.Backup, TaskNames.Apply, TaskNames.Verify, TaskNames.HealthCheck, TaskNames.Revert, TaskNames.Finalize })
        {
            Assert.Equal("activityTrigger", triggers[activity]);
        }
    }

    [Fact]
    public void HostJson_TelemetryModeOpenTelemetry_AsTheWorkerExports()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
    }

    [Fact]
    public void HostJson_NoRoutePrefix_RoutesAreTheSeeds()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public async Task StandaloneServer_SameRoutesAsFunctions()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => new ApiRoute(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                Assert.Single(e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods),
                e.RoutePattern.RawText!.TrimStart('/')));
        Assert.Equal(ApiRoutes.All.OrderBy(r => r.Name), endpoints.OrderBy(r => r.Name));
    }

    [Fact]
    public async Task UpdateFunction_CalledDirectly_SameEnvelopesAsTheServer()
    {
        await using var services = await BuildServicesAsync();
        var functions = new InstallFunctions(services.GetRequiredService<InstallsApi>());

        // Each of these is answered by the edge, before the Durable client is used.
        DurableTaskClient client = null!;
        var noKey = await functions.Update(Request("""{"dryrun": "input"}""", key: null), DemoData.InstallId, client);
        AssertEnvelope(noKey, 403, ErrorCodes.InvalidApiKey, $"/installs/{DemoData.InstallId}/update");

        var dryrun = await functions.Upgrade(Request("""{"dryrun": "input", "plugin": [], "theme": []}"""), DemoData.InstallId, client);
        AssertEnvelope(dryrun, 200, ErrorCodes.CompleteDryrun, $"/installs/{DemoData.InstallId}/upgrade");

        var missing = await functions.Update(Request("""{"version": "1.1.2"}"""), "exampleaccountname", client);
        AssertEnvelope(missing, 404, ErrorCodes.InstallNotFound, "/installs/exampleaccountname/update");

        var manual = await functions.Update(Request("""{"version": "7.0.0"}"""), DemoData.InstallId, client);
        AssertEnvelope(manual, 400, ErrorCodes.InvalidArgumentVersionManualupdate, $"/installs/{DemoData.InstallId}/update");
    }

    [Fact]
    public async Task ActionResult_ExecutedByFunctionsHost_WritesTheEnvelope()
    {
        await using var services = await BuildServicesAsync();
        var functions = new InstallFunctions(services.GetRequiredService<InstallsApi>());
        var result = await functions.Get(Request("", method: "GET"), DemoData.InstallId);

        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteResultAsync(new ActionContext { HttpContext = context });
        Assert.Equal(200, context.Response.StatusCode);
        Assert.StartsWith("application/json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        OpenApiContract.AssertValid("GET", $"/installs/{DemoData.InstallId}", 200, text);
        using var body = JsonDocument.Parse(text);
        Assert.Equal(DemoData.InstallId, body.RootElement.GetProperty("data").GetProperty("id").GetString());
    }

    /// <summary>The status and errcode, and the envelope as the OpenAPI document describes POST <paramref name="path"/>.</summary>
    private static void AssertEnvelope(IActionResult result, int status, string? errcode, string path)
    {
        var apiResult = Assert.IsType<ApiResult>(result);
        Assert.Equal(status, apiResult.Envelope.Status);
        Assert.Equal(errcode, apiResult.Envelope.Errcode);
        OpenApiContract.AssertValid("POST", path, status, apiResult.ToString());
    }

    private static HttpRequest Request(string body, string? key = ApiServer.Key, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        if (key is not null)
        {
            context.Request.Headers["X-API-KEY"] = key;
        }

        return context.Request;
    }

    /// <summary>The container the Functions app builds (<c>AddInstallatronFunctions</c>), over the shared Azurite with the demo data.</summary>
    private static async Task<ServiceProvider> BuildServicesAsync()
    {
        var azurite = await SharedAzurite.GetAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Installatron:Key"] = ApiServer.Key,
            ["Installatron:TablePrefix"] = TestIds.NewPrefix(),
            [FunctionsOptions.AutoUpdateScheduleSetting] = FunctionsOptions.DefaultAutoUpdateSchedule,
            [FunctionsOptions.CatalogSyncScheduleSetting] = FunctionsOptions.DefaultCatalogSyncSchedule,
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddInstallatronFunctions(configuration)
            .AddSingleton<DemoData>()
            .BuildServiceProvider();
        await services.GetRequiredService<DemoData>().EnsureAsync(TestIds.NewTempDirectory(), CancellationToken.None);
        return services;
    }

    private static bool IsHttpFunction(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger");
}
