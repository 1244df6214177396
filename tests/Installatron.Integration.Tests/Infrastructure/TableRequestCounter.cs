using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>Counts the requests a <c>TableServiceClient</c> sends, by method and table (a policy on its pipeline).</summary>
public sealed partial class TableRequestCounter : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    /// <summary>"GET Tasks: 12", … sorted, for a message.</summary>
    public string Describe() => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));

    public void Reset() => _counts.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        var table = TableOf().Match(message.Request.Uri.Path) is { Success: true } match ? match.Groups[1].Value : message.Request.Uri.Path;
        _counts.AddOrUpdate($"{message.Request.Method} {table}", 1, (_, count) => count + 1);
    }

    /// <summary>The table's name without the test's prefix: <c>/devstoreaccount1/t0123456789abTasks(PartitionKey=…)</c> → <c>Tasks</c>.</summary>
    [GeneratedRegex(@"^/?[^/]+/t[0-9a-f]{12}([A-Za-z]+)")]
    private static partial Regex TableOf();
}
