using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// Generated requests thrown at every route of the real server (<see cref="HostileRequests"/>). Whatever is sent:
/// never a 5xx; always the seed's envelope with <c>status</c> equal to the HTTP status; and a refused request
/// changes nothing that is stored. A failure prints the request (shrunk by FsCheck) and the seed to replay it.
/// </summary>
public sealed class PropertyBasedRoutesTests(ITestOutputHelper output)
{
    private const int Requests = 400;

    /// <summary>Every parameter of every route: the only names an <c>invalid_argument_{field}</c> errcode may carry.</summary>
    private static readonly HashSet<string> KnownFields =
    [
        .. UpdateRequest.Parameters, "id", "user", "backup", "install", "application", "version", "path", "url", "title", "login", "email", "language",
        "sitetitle", "sitetagline", "limitloginattempts", "twofactor", "db_host", "db_type", "db_name", "db_user", "db_pass",
        "db_prefix", "autobk", "autobk_schedule", "autoup", "autoup_backup", "autoup_plugins", "autoup_themes", "bkloc",
        "exclude_files", "files", "tables", "notification", "link_admin", "parent", "stage", "time_created", "role", "owner",
        "suspended", "home", "vhosts", "quota_disk_bytes", "quota_inodes", "php_version", "db_server", "db_version", "from",
        "install", "offset", "limit", "branch", "upgrade_from", "requirements", "package", "application", "idempotency_key",
        "status", "reason", "events", "description", "enabled", "rotate_secret",
    ];

    [Fact]
    public async Task AnyRoute_GeneratedRequests_NeverServerErrorAlwaysEnvelopeRefusalsChangeNothing()
    {
        await using var server = await ApiServer.StartAsync(settings: ["--Installatron:AutoUpdateMinutes", "0"]);
        var state = new[] { await server.SnapshotAsync() };
        var answers = new Dictionary<string, int>();
        var property = Prop.ForAll(Arb.From(HostileRequests.Requests), request => Task.Run(async () =>
        {
            var (after, answer) = await CheckAsync(server, request, state[0]);
            state[0] = after;
            answers[answer] = answers.GetValueOrDefault(answer) + 1;
        }).Wait(TimeSpan.FromMinutes(2)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Requests).WithEndSize(40), property);
        output.WriteLine($"{Requests} generated requests, none answered 5xx or broke the envelope: " +
            string.Join(", ", answers.OrderByDescending(a => a.Value).Select(a => $"{a.Key} ×{a.Value}")));
    }

    /// <summary>Sends one request and checks it; returns the stored state after it (a refusal must have left it as it was).</summary>
    private static async Task<(IReadOnlyList<string> After, string Answer)> CheckAsync(ApiServer server, HostileRequest request, IReadOnlyList<string> before)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
        if (request.Method != "GET")
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        var response = await server.SendAsync(message, request.Key);
        Assert.True(response.HttpStatus < 500, $"{request}\n→ {response.HttpStatus}: {response.Body}");
        AssertEnvelope(request, response);
        if (response.HttpStatus >= 400)
        {
            var after = await server.SnapshotAsync();
            Assert.True(before.SequenceEqual(after), $"{request}\n→ refused ({response.Errcode}) but the stored state changed");
            return (after, $"{response.HttpStatus} {response.Errcode}");
        }

        await WaitForUpdatesAsync(server);
        return (await server.SnapshotAsync(), $"{response.HttpStatus} {response.Errcode}");
    }

    private static void AssertEnvelope(HostileRequest request, ApiResponse response)
    {
        Assert.True(response.ContentType?.MediaType == "application/json", $"{request}\n→ {response.ContentType}: {response.Body}");
        JsonElement root;
        try
        {
            root = response.Root;
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{request}\n→ not JSON ({e.Message}): {response.Body}");
        }

        Assert.True(
            root.EnumerateObject().Select(p => p.Name).SequenceEqual(["result", "status", "errcode", "errfield", "message", "data"])
            && response.Status == response.HttpStatus
            && response.Result == response.HttpStatus is 200 or 201 or 202
            && (response.HttpStatus < 400 || response.Errcode is not null)
            && (response.Errcode is null || ErrorStatuses.Table.ContainsKey(response.Errcode) || KnownFields.Contains(response.Errcode[ErrorCodes.InvalidArgumentPrefix.Length..])),
            $"{request}\n→ {response.HttpStatus}: {response.Body}");
    }

    /// <summary>A successful update or sweep may go on in the background: the next refusal is judged against the state after it.</summary>
    private static async Task WaitForUpdatesAsync(ApiServer server)
    {
        var tasks = server.Services.GetRequiredService<TaskStore>();
        var rollouts = server.Services.GetRequiredService<RolloutStore>();
        for (var i = 0; i < 300 && ((await tasks.ListAsync(null, null, CancellationToken.None)).Any(t => !t.IsFinished) || await SweepRunsAsync(rollouts)); i++)
        {
            await Task.Delay(100);
        }
    }

    private static async Task<bool> SweepRunsAsync(RolloutStore rollouts)
    {
        if (await rollouts.TryLockSweepAsync("probe", _ => Task.FromResult(true), CancellationToken.None) is not null)
        {
            return true;
        }

        await rollouts.UnlockSweepAsync("probe", CancellationToken.None);
        return false;
    }
}
