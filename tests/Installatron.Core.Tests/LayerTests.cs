using System.Reflection;
using Installatron.Core;
using NetArchTest.Rules;

namespace Installatron.Core.Tests;

/// <summary>
/// Layers point one way: hosts → Api → Outbound → Workflow → Catalog → (Sites, Databases, Storage, Domain, Text).
/// Checked on the compiled core (method bodies included), so a dependency cannot hide in an implementation.
/// </summary>
public sealed class LayerTests
{
    private const string Root = "Installatron.Core";
    private static readonly Assembly Core = typeof(DependencyInjection).Assembly;

    public static TheoryData<string, string[]> Rules => new()
    {
        // Only the API knows HTTP, envelopes and statuses.
        { "Outbound", ["Api", "Microsoft.AspNetCore"] },
        { "Workflow", ["Api", "Outbound", "Microsoft.AspNetCore"] },
        { "Catalog", ["Api", "Outbound", "Workflow", "Microsoft.AspNetCore"] },
        // The building blocks know nothing of the use cases above them.
        { "Sites", ["Api", "Outbound", "Workflow", "Catalog", "Storage", "Databases", "Microsoft.AspNetCore"] },
        { "Databases", ["Api", "Outbound", "Workflow", "Catalog", "Storage", "Sites", "Microsoft.AspNetCore"] },
        { "Storage", ["Api", "Outbound", "Workflow", "Catalog", "Sites", "Databases", "Microsoft.AspNetCore"] },
        { "Text", ["Api", "Outbound", "Workflow", "Catalog", "Storage", "Sites", "Databases", "Domain", "Microsoft.AspNetCore"] },
        // The domain is plain records and rules: no I/O of any kind.
        { "Domain", ["Api", "Outbound", "Workflow", "Catalog", "Storage", "Sites", "Databases", "Microsoft.AspNetCore", "System.Net.Http", "Azure"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Layer_References_OnlyLayersBelowIt(string layer, string[] forbidden)
    {
        var result = Types.InAssembly(Core).That().ResideInNamespace($"{Root}.{layer}")
            .ShouldNot().HaveDependencyOnAny(forbidden.Select(f => f.StartsWith("Microsoft", StringComparison.Ordinal) || f.StartsWith("System", StringComparison.Ordinal) || f == "Azure" ? f : $"{Root}.{f}").ToArray())
            .GetResult();

        Assert.True(result.IsSuccessful, $"{layer} depends on one of {string.Join(", ", forbidden)}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
