using System.Text.Json;
using Installatron.Core.Api;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Security;

/// <summary>
/// Who may act on an install, over HTTP: every caller (the owner, another user, the owner's reseller, another reseller,
/// an admin, no user) × the owner active or suspended × every way of touching the install (read, list, dry run, tasks,
/// update). Allowed callers act; callers that may not act for the owner get 404 as if the install did not exist; a
/// suspended owner's install answers 403 invalid_argument_user to everyone allowed, and nothing changes.
/// </summary>
public sealed class AccessMatrixTests
{
    private const string Install = DemoData.InstallId;
    private const string Owner = DemoData.User;

    public enum Expect { Allowed, Hidden, Suspended }

    public static TheoryData<string?, bool, Expect> Matrix => new()
    {
        { Owner, false, Expect.Allowed },
        { "otheruser", false, Expect.Hidden },
        { "reseller1", false, Expect.Allowed },
        { "reseller2", false, Expect.Hidden },
        { "admin1", false, Expect.Allowed },
        { null, false, Expect.Allowed },
        { Owner, true, Expect.Suspended },
        { "otheruser", true, Expect.Hidden },
        { "reseller1", true, Expect.Suspended },
        { "reseller2", true, Expect.Hidden },
        { "admin1", true, Expect.Suspended },
        { null, true, Expect.Suspended },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EveryRoute_CallerAndOwnerState_AllowedHiddenOrForbidden(string? actor, bool suspended, Expect expect)
    {
        await using var server = await ApiServer.StartAsync();
        await CreateAccountsAsync(server);
        (await server.PostJsonAsync($"/installs/{Install}/update", "{}")).AssertEnvelope(200, null);
        var taskId = (await server.GetAsync("/tasks")).Data.GetProperty("tasks")[0].GetProperty("id").GetString()!;
        if (suspended)
        {
            (await server.PostJsonAsync($"/users/{Owner}", """{"suspended": true}""")).AssertEnvelope(200, null);
        }

        var akismet = Path.Combine(server.DemoSitePath, "wp-content", "plugins", "akismet", "akismet.php");
        var pluginBefore = await File.ReadAllTextAsync(akismet);
        var snapshot = await server.SnapshotAsync();
        var user = actor is null ? "" : $"user={actor}";
        var userMember = actor is null ? "" : $", \"user\": \"{actor}\"";

        Check(await server.GetAsync($"/installs/{Install}?{user}"), expect, ErrorCodes.InstallNotFound);
        Check(await server.PostJsonAsync($"/installs/{Install}/update", $$"""{"dryrun": "input", "version": "current", "plugins": []{{userMember}}}"""), expect, ErrorCodes.InstallNotFound,
            allowedStatus: 200, allowedErrcode: ErrorCodes.CompleteDryrun);
        Check(await server.GetAsync($"/tasks?install={Install}&{user}"), expect, ErrorCodes.InstallNotFound);
        Check(await server.GetAsync($"/tasks/{taskId}?{user}"), expect, ErrorCodes.TaskNotFound);
        AssertListed(await server.GetAsync($"/installs?{user}"), actor, expect, page => page.EnumerateArray().Select(i => i.GetProperty("id").GetString()), Install);
        AssertListed(await server.GetAsync($"/tasks?{user}"), actor, expect, page => page.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()), taskId);
        Assert.Equal(snapshot, await server.SnapshotAsync()); // reads and dry runs change nothing

        var update = await server.PostJsonAsync($"/installs/{Install}/update", $$"""{"version": "current", "plugins": ["akismet"]{{userMember}}}""");
        Check(update, expect, ErrorCodes.InstallNotFound);
        if (expect == Expect.Allowed)
        {
            Assert.Contains("Version: 5.3.7", await File.ReadAllTextAsync(akismet));
        }
        else
        {
            Assert.Equal(pluginBefore, await File.ReadAllTextAsync(akismet));
            Assert.Equal(snapshot, await server.SnapshotAsync());
        }
    }

    private static async Task CreateAccountsAsync(ApiServer server)
    {
        (await server.CreateUserAsync(new { user = "reseller1", role = "reseller" })).AssertEnvelope(201, null);
        (await server.CreateUserAsync(new { user = "reseller2", role = "reseller" })).AssertEnvelope(201, null);
        (await server.CreateUserAsync(new { user = "admin1", role = "admin" })).AssertEnvelope(201, null);
        (await server.CreateUserAsync(new { user = "otheruser", vhosts = new[] { "website.com" } })).AssertEnvelope(201, null);
        (await server.PostJsonAsync($"/users/{Owner}", """{"owner": "reseller1"}""")).AssertEnvelope(200, null);
    }

    private static void Check(ApiResponse response, Expect expect, string hiddenErrcode, int allowedStatus = 200, string? allowedErrcode = null)
    {
        switch (expect)
        {
            case Expect.Allowed:
                response.AssertEnvelope(allowedStatus, allowedErrcode);
                break;
            case Expect.Hidden:
                response.AssertEnvelope(404, hiddenErrcode);
                break;
            default:
                response.AssertEnvelope(403, ErrorCodes.InvalidArgumentUser, "user");
                break;
        }
    }

    /// <summary>A list never fails for a caller that exists and is active; it shows the install (or task) only when allowed.</summary>
    private static void AssertListed(ApiResponse response, string? actor, Expect expect, Func<JsonElement, IEnumerable<string?>> ids, string id)
    {
        if (expect == Expect.Suspended && actor == Owner)
        {
            response.AssertEnvelope(403, ErrorCodes.InvalidArgumentUser, "user");
            return;
        }

        var listed = ids(response.AssertEnvelope(200, null).Data);
        Assert.Equal(expect == Expect.Allowed, listed.Contains(id));
    }
}
