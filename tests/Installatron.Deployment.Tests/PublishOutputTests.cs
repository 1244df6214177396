using System.Text.Json;
using Installatron.Core.Api;

namespace Installatron.Deployment.Tests;

/// <summary>What `azd deploy` ships: the published Functions app must list every function with its route and method.</summary>
public sealed class PublishOutputTests
{
    [Fact]
    public void Publish_FunctionsApp_MetadataListsEveryRoute()
    {
        var output = Path.Combine(Path.GetTempPath(), "installatron-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, log) = Repository.Run("dotnet", Repository.Root, TimeSpan.FromMinutes(8),
                "publish", "src/Installatron.Functions/Installatron.Functions.csproj", "-c", "Release", "-o", output, "-nologo", "-v", "q");
            Assert.True(exitCode == 0, log);
            foreach (var file in new[] { "functions.metadata", "host.json", "worker.config.json", "Installatron.Functions.dll", "Installatron.Core.dll" })
            {
                Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing from the publish output.");
            }

            Assert.False(File.Exists(Path.Combine(output, "local.settings.json")));
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "functions.metadata")));
            var published = metadata.RootElement.EnumerateArray().Where(IsHttpFunction).Select(function =>
            {
                var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
                return new ApiRoute(
                    function.GetProperty("name").GetString()!,
                    trigger.GetProperty("methods").EnumerateArray().Single().GetString()!.ToUpperInvariant(),
                    trigger.GetProperty("route").GetString()!);
            });
            Assert.Equal(ApiRoutes.All.OrderBy(r => r.Name), published.OrderBy(r => r.Name));

            using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "host.json")));
            Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static bool IsHttpFunction(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger");
}
