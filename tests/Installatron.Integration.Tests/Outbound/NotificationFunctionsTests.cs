using System.Text.Json;
using Installatron.Core.Outbound.Workflow;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>The Functions app exposes the delivery orchestration and the notification activities, each activity with a Durable client.</summary>
public sealed class NotificationFunctionsTests
{
    [Fact]
    public void FunctionsMetadata_DeliveryOrchestrationAndActivitiesWithDurableClient()
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", "Installatron.Functions", "bin", RepositoryPaths.Configuration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        var bindings = metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).ToList());

        Assert.Equal(["orchestrationTrigger"], bindings[NotificationTaskNames.Deliver]);
        Assert.Equal(["activityTrigger", "durableClient"], bindings[NotificationTaskNames.Notify]);
        Assert.Equal(["activityTrigger", "durableClient"], bindings[NotificationTaskNames.Attempt]);
        // The catalog sync announces what it added, so its functions get a client too.
        Assert.Contains("durableClient", bindings["CatalogSyncTimer"]);
        Assert.Contains("durableClient", bindings["SyncCatalog"]);
    }
}
