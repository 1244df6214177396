using System.Text.Json;
using System.Text.Json.Nodes;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;

namespace Installatron.Integration.Tests;

/// <summary>The check every integration test's responses go through (<see cref="OpenApiContract"/>), on envelopes made here.</summary>
public sealed class OpenApiContractTests
{
    /// <summary>A task exactly as the code serializes one (so a field added to the record must be added to the document).</summary>
    private static JsonObject Task() => JsonSerializer.SerializeToNode(new UpdateTask
    {
        Id = "t1", InstallId = "i1", User = "u", Application = "wordpress", Status = TaskStatuses.Running, Step = TaskSteps.Backup,
        Progress = 20, VersionFrom = "6.7.2", VersionTo = "6.7.3", Revert = true, Backup = true, RevertOnFailure = true, Background = true,
        Measured = new SiteMeasurement(10, 1000), Steps = [new StepRun(TaskSteps.Preflight, 1, 12, "ok")], Message = "Queued.",
        TimeCreated = 1, TimeStarted = 2, TimeUpdated = 3,
    }, ApiJson.Options)!.AsObject();

    private static string Envelope(JsonNode? data, int status = 200, string? errcode = null) => new JsonObject
    {
        ["result"] = status is 200 or 201 or 202, ["status"] = status, ["errcode"] = errcode, ["errfield"] = null,
        ["message"] = "m", ["data"] = data,
    }.ToJsonString();

    [Fact]
    public void Problems_TaskAsTheCodeSendsIt_None() =>
        Assert.Empty(OpenApiContract.Problems("GET", "/tasks/t1", 200, Envelope(Task())));

    [Fact]
    public void Problems_FieldTheDocumentLacks_NamesItsJsonPath()
    {
        var task = Task();
        task["step_durations"] = new JsonObject();

        var problem = Assert.Single(OpenApiContract.Problems("GET", "/tasks/t1", 200, Envelope(task)));

        Assert.StartsWith("$.data.step_durations: not in the document", problem);
        Assert.Contains("/components/schemas/Task", problem);
    }

    [Fact]
    public void Problems_FieldMissingOrOfAnotherType_NamesTheRule()
    {
        var task = Task();
        task.Remove("automatic");
        task["progress"] = "20";

        var problems = OpenApiContract.Problems("GET", "/tasks/t1", 200, Envelope(task));

        Assert.Contains(problems, p => p.StartsWith("$.data:", StringComparison.Ordinal) && p.Contains("automatic"));
        Assert.Contains(problems, p => p.StartsWith("$.data.progress:", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_NestedItem_PathWithItsIndex()
    {
        var envelope = Envelope(new JsonObject { ["total"] = 1, ["offset"] = 0, ["limit"] = 50, ["tasks"] = new JsonArray(Task(), Task()) });
        var node = JsonNode.Parse(envelope)!;
        node["data"]!["tasks"]![1]!["status"] = "paused";

        var problem = Assert.Single(OpenApiContract.Problems("GET", "/tasks", 200, node.ToJsonString()));

        Assert.StartsWith("$.data.tasks[1].status:", problem);
    }

    [Fact]
    public void Problems_UndocumentedStatus_SaysWhichAreDocumented()
    {
        var problem = Assert.Single(OpenApiContract.Problems("GET", "/tasks/t1", 418, Envelope(null, 418, "teapot")));

        Assert.Contains("HTTP 418 is not a documented response of GET /tasks/{id}", problem);
    }

    [Fact]
    public void Problems_UnknownRoute_MustBeARefusal()
    {
        Assert.Empty(OpenApiContract.Problems("DELETE", "/nowhere", 404, Envelope(null, 404, "route_not_found")));
        Assert.NotEmpty(OpenApiContract.Problems("DELETE", "/nowhere", 200, Envelope(new JsonObject())));
    }

    [Fact]
    public void Problems_NotJson_SaysSo() =>
        Assert.StartsWith("the body is not JSON", Assert.Single(OpenApiContract.Problems("GET", "/tasks/t1", 200, "<html>")));
}
