using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Installatron.Core.Api.Handlers;
using Json.Pointer;
using Json.Schema;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// The API's OpenAPI document (the one <c>GET /openapi.json</c> serves) as a contract every response the tests receive
/// must meet: the response schema of its route, method and status. Stricter than the document: an object schema
/// that lists its properties accepts no others, so a field the code sends and the document lacks fails a test.
/// </summary>
public static partial class OpenApiContract
{
    private const int MaxProblems = 20;

    private static readonly Uri DocumentUri = new("https://installatron.test/openapi.json");
    private static readonly Lazy<Contract> Loaded = new(Load);

    /// <summary>What is wrong with the response (empty when it meets the document).</summary>
    public static IReadOnlyList<string> Problems(string method, string path, int status, string body)
    {
        var contract = Loaded.Value;
        JsonElement instance;
        try
        {
            using var document = JsonDocument.Parse(body);
            instance = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return [$"the body is not JSON ({e.Message})"];
        }

        var operation = contract.Operations.FirstOrDefault(o => o.Method == method.ToLowerInvariant() && o.Path.IsMatch(path));
        string pointer;
        if (operation is null)
        {
            // No such operation: the fallback route's refusal (route_not_found).
            pointer = "/components/schemas/Refusal";
        }
        else if (operation.Statuses.Contains(status.ToString()))
        {
            pointer = $"{operation.Pointer}/responses/{status}/content/application~1json/schema";
        }
        else
        {
            return [$"HTTP {status} is not a documented response of {operation.Method.ToUpperInvariant()} {operation.Template} " +
                $"(documented: {string.Join(", ", operation.Statuses)})"];
        }

        var results = contract.SchemaAt(pointer).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => Describe(detail, error.Value)))
            .Distinct()
            .ToList();
        if (problems.Count == 0)
        {
            problems.Add("the body does not match the schema");
        }

        return problems.Count > MaxProblems ? [.. problems.Take(MaxProblems), $"... {problems.Count - MaxProblems} more"] : problems;
    }

    /// <summary>Fails the test, naming the route, the status and each JSON path that differs from the document.</summary>
    public static void AssertValid(string method, string path, int status, string body)
    {
        var problems = Problems(method, path, status, body);
        if (problems.Count > 0)
        {
            var operation = Loaded.Value.Operations.FirstOrDefault(o => o.Method == method.ToLowerInvariant() && o.Path.IsMatch(path));
            var route = operation is null ? $"{method} {path} (no such route: the refusal schema)" : $"{method} {operation.Template} ({path})";
            Assert.Fail($"The response to {route} with HTTP {status} does not match src/Installatron.Core/Api/openapi.json:\n  " +
                string.Join("\n  ", problems) + $"\nBody: {(body.Length > 2000 ? body[..2000] + "..." : body)}");
        }
    }

    private static string Describe(EvaluationResults detail, string error)
    {
        var location = JsonPath(detail.InstanceLocation);
        var schema = detail.SchemaLocation.Fragment is { Length: > 1 } fragment ? Uri.UnescapeDataString(fragment) : detail.SchemaLocation.ToString();
        return error.Contains("false schema", StringComparison.Ordinal)
            ? $"{location}: not in the document (the object schema around {Uri.UnescapeDataString(Parent(detail.SchemaLocation.Fragment))} does not list it)"
            : $"{location}: {error} ({schema})";
    }

    private static string Parent(string fragment) =>
        fragment.LastIndexOf("/additionalProperties", StringComparison.Ordinal) is var at and >= 0 ? fragment[..at] : fragment;

    private static string JsonPath(JsonPointer pointer)
    {
        var path = "$";
        for (var i = 0; i < pointer.SegmentCount; i++)
        {
            var segment = pointer[i].ToString();
            path += int.TryParse(segment, out var index) ? $"[{index}]" : $".{segment}";
        }

        return path;
    }

    private static Contract Load()
    {
        var document = JsonNode.Parse(OpenApiApi.Load().GetRawText())!;
        CloseObjectSchemas(document, parentIsAllOf: false);

        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        registry.Register(new JsonElementBaseDocument(JsonSerializer.SerializeToElement(document), DocumentUri));

        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var pattern = "^" + PathParameter().Replace(Regex.Escape(template).Replace(@"\{", "{"), "[^/]+") + "$";
                operations.Add(new Operation(
                    method, template, new Regex(pattern),
                    $"/paths/{Escape(template)}/{method}",
                    operation!["responses"]!.AsObject().Select(r => r.Key).ToList()));
            }
        }

        return new Contract(operations, options);
    }

    /// <summary>
    /// Gives every object schema that lists properties and says nothing about others <c>additionalProperties: false</c>.
    /// Not a direct member of an <c>allOf</c>: such a member adds constraints to a schema that lists the properties.
    /// </summary>
    private static void CloseObjectSchemas(JsonNode? node, bool parentIsAllOf)
    {
        switch (node)
        {
            case JsonObject schema:
                if (!parentIsAllOf && schema.ContainsKey("properties") && !schema.ContainsKey("additionalProperties") && !schema.ContainsKey("unevaluatedProperties"))
                {
                    schema["additionalProperties"] = false;
                }

                foreach (var (key, child) in schema.ToList())
                {
                    CloseObjectSchemas(child, parentIsAllOf: key == "allOf");
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    CloseObjectSchemas(child, parentIsAllOf);
                }

                break;
        }
    }

    /// <summary>A JSON Pointer segment, escaped for a pointer and then for a URI fragment.</summary>
    private static string Escape(string segment) => Uri.EscapeDataString(segment.Replace("~", "~0").Replace("/", "~1"));

    [GeneratedRegex(@"\{[^/}]+\}")]
    private static partial Regex PathParameter();

    private sealed record Operation(string Method, string Template, Regex Path, string Pointer, IReadOnlyList<string> Statuses);

    private sealed class Contract(IReadOnlyList<Operation> operations, BuildOptions options)
    {
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

        public IReadOnlyList<Operation> Operations { get; } = operations;

        public JsonSchema SchemaAt(string pointer) => _schemas.GetOrAdd(pointer, p =>
        {
            // The schema keeps the element: it must outlive this call (SerializeToElement's needs no disposing).
            var reference = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["$ref"] = $"{DocumentUri}#{p}" });
            return JsonSchema.Build(reference, options);
        });
    }
}
