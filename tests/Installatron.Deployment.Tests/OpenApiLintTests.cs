using System.Text.Json.Nodes;
using Installatron.Processes;

namespace Installatron.Deployment.Tests;

/// <summary>The OpenAPI document (src/Installatron.Core/Api/openapi.json, configured in redocly.yaml) under Redocly's recommended rules.</summary>
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task Lint_RedoclyRecommended_NoErrorsOrWarnings()
    {
        // The CLI pinned in package.json, installed by npm ci (.ci/run does it).
        var cli = Path.Combine(Repository.Root, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly CLI is not installed at {cli}: run `npm ci --no-audit --no-fund`.");

        var lint = await ChildProcess.RunAsync("node", [cli, "lint", "--format", "json"], TimeSpan.FromMinutes(2), Repository.Root,
            environment: new Dictionary<string, string?> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });

        Assert.True(lint.StandardOutput.Contains('{'), $"Redocly printed no report (exit {lint.ExitCode}):\n{lint.Output}");
        var report = JsonNode.Parse(lint.StandardOutput[lint.StandardOutput.IndexOf('{')..])!;
        var totals = report["totals"]!;
        Assert.True(totals["errors"]!.GetValue<int>() == 0 && totals["warnings"]!.GetValue<int>() == 0,
            $"Redocly lint of the OpenAPI document: {totals["errors"]} errors, {totals["warnings"]} warnings:\n{report["problems"]}");
        Assert.Equal(0, lint.ExitCode);
    }
}
