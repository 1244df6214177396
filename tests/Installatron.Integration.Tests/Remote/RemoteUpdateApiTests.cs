using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Installatron.Sites.Tests.Support;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// Updates over HTTP of sites that live on another server, reached only over SSH (the test's sshd keeps the accounts'
/// homes in a mount namespace of its own: the paths the API is given do not exist for this process). A site imported
/// by reading it over SFTP, updated there; each way the server can refuse answered with its errcode and nothing
/// changed; no secret in any response.
/// </summary>
[Collection(RemoteSitesCollection.Name)]
public sealed class RemoteUpdateApiTests(IsolatedSshServer ssh)
{
    private readonly List<string> _bodies = [];

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Update_RemoteSite_CompleteOnTheServerWithItsBackupInTheAccountsStore(bool hasShell, bool useKey)
    {
        var account = ssh.Account(hasShell);
        await using var api = await ApiServer.StartAsync();
        var (_, install, site) = await ImportAsync(api, account, useKey);
        Assert.False(Directory.Exists(site)); // the path exists only where sshd runs
        var local = ssh.LocalPath(site);
        var loginsBefore = Logins(account);

        var updated = Keep(await api.PostJsonAsync($"/installs/{install}/update", """{"version": "6.7.3", "revert": true}""")).AssertEnvelope(200, null);

        // One connection (SFTP, and the command connection of a shell account) serves every step, not one per step.
        Assert.InRange(Logins(account) - loginsBefore, 0, 2);

        Assert.Equal("6.7.3", updated.Data.GetProperty("version").GetString());
        Assert.Contains("$wp_version = '6.7.3';", await File.ReadAllTextAsync(Path.Join(local, "wp-includes", "version.php")));
        var task = Keep(await api.GetAsync($"/tasks?install={install}")).Data.GetProperty("tasks")[0];
        // The health baseline runs while the backup is taken: it may end before or after it.
        var steps = task.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()).ToList();
        Assert.Equal(["preflight", "backup", "apply", "verify", "health", "finalize"], steps.Where(s => s != "health_before"));
        Assert.Single(steps, "health_before");
        var backup = Keep(await api.GetAsync($"/backups?install={install}")).AssertEnvelope(200, null).Data.GetProperty("backups")[0];
        Assert.Equal(task.GetProperty("id").GetString(), backup.GetProperty("task").GetString());
        Assert.Equal(("store", "local"), (backup.GetProperty("format").GetString(), backup.GetProperty("location").GetString()));
        Assert.True(backup.GetProperty("files").GetInt64() > 10 && backup.GetProperty("stored_size").GetInt64() > 0);
        var backups = Path.Join(ssh.LocalPath(account.Home), ".appdata", "backups");
        Assert.False(Directory.Exists(backups) && Directory.EnumerateFiles(backups, "*", SearchOption.AllDirectories).Any()); // in the container, not on the server
        Assert.Equal(account.Login, await OwnerAsync(Path.Join(local, "wp-includes", "version.php")));
        Assert.False(Directory.Exists(Path.Join(ssh.LocalPath(account.Home), ".appdata", "staging", task.GetProperty("id").GetString()!)));
        AssertNoSecretShown(account);
    }

    private int Logins(SshAccount account) =>
        ssh.Log.Count(line => line.Contains("Accepted ", StringComparison.Ordinal) && line.Contains($" for {account.Login} ", StringComparison.Ordinal));

    [Fact]
    public async Task DryRunAll_RemoteSite_ReportsTheConnectionTheLoginAndWriteAccess()
    {
        var account = ssh.ShellAccount;
        await using var api = await ApiServer.StartAsync();
        var (_, install, site) = await ImportAsync(api, account, useKey: false);
        var snapshot = await api.SnapshotAsync();

        var dry = Keep(await api.PostJsonAsync($"/installs/{install}/update", """{"version": "6.7.3", "revert": true, "dryrun": "all"}""")).AssertEnvelope(200, ErrorCodes.CompleteDryrun);

        var connections = dry.Data.GetProperty("connections").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal(["site_server", "site_files", "backup_location", "package"], connections.Keys);
        Assert.Contains($"host key {ssh.Fingerprint}", connections["site_server"].GetProperty("detail").GetString());
        Assert.Contains($"logged in as {account.Login}", connections["site_server"].GetProperty("detail").GetString());
        Assert.Contains("sha256sum", connections["site_server"].GetProperty("detail").GetString());
        Assert.Equal($"sftp://{account.Login}@127.0.0.1:{ssh.Port}{site}", connections["site_files"].GetProperty("target").GetString());
        Assert.Equal(snapshot, await api.SnapshotAsync());
        AssertNoSecretShown(account);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "password", ErrorCodes.FailedFilesystemLogin },
        { "port", ErrorCodes.FailedFilesystemHost },
        { "host_key", ErrorCodes.FailedFilesystemHost },
        { "allowed_paths", ErrorCodes.FailedFilesystemOndemand },
        { "database", ErrorCodes.FailedDatabaseHost },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Update_ServerRefuses_ItsErrcodeAndNothingChanged(string broken, string errcode)
    {
        var account = ssh.SftpAccount;
        await using var api = await ApiServer.StartAsync();
        var (user, install, site) = await ImportAsync(api, account, useKey: false, tables: broken == "database");
        var change = broken switch
        {
            "password" => new Dictionary<string, object> { ["remote_password"] = "not-" + account.Password },
            "port" => new Dictionary<string, object> { ["remote_port"] = ClosedPort(), ["remote_password"] = account.Password },
            "host_key" => new Dictionary<string, object> { ["remote_host_key"] = ssh.OtherFingerprint },
            "allowed_paths" => new Dictionary<string, object> { ["allowed_paths"] = new[] { account.Home + "/elsewhere" } },
            _ => [],
        };
        Keep(await api.PostJsonAsync($"/users/{user}", JsonSerializer.Serialize(change))).AssertEnvelope(200, null);
        var snapshot = await api.SnapshotAsync();
        var files = SiteFiles.Hash(ssh.LocalPath(site));

        // A dry run proves every connection (the database's through the SSH connection); an update refuses at its preflight.
        var dryRun = Keep(await api.PostJsonAsync($"/installs/{install}/update", """{"version": "6.7.3", "revert": true, "dryrun": "all"}""")).AssertEnvelope(500, errcode);
        var update = Keep(await api.PostJsonAsync($"/installs/{install}/update", """{"version": "6.7.3", "revert": true}"""));

        if (broken == "database")
        {
            Assert.Contains("on sftp://", dryRun.Message, StringComparison.Ordinal); // the endpoint as the site sees it, and where
            update.AssertEnvelope(500, errcode); // the backup dumps the tables first: no file touched
            Assert.Equal(TaskStatuses.Failed, update.Data.GetProperty("status").GetString());
        }
        else
        {
            update.AssertEnvelope(500, errcode);
            Assert.Equal(snapshot, await api.SnapshotAsync());
        }

        if (broken == "host_key")
        {
            Assert.Contains($"presented the host key {ssh.Fingerprint}, not the pinned {ssh.OtherFingerprint}", update.Message, StringComparison.Ordinal);
        }

        Assert.Equal(files, SiteFiles.Hash(ssh.LocalPath(site)));
        Assert.Equal("6.7.2", Keep(await api.GetAsync($"/installs/{install}")).Data.GetProperty("version").GetString());
        AssertNoSecretShown(account);
    }

    /// <summary>
    /// A remote account created over HTTP, and a demo WordPress 6.7.2 in its home on the server (owned by its login),
    /// imported by reading it there: the version from its files over SFTP. With <paramref name="tables"/>, its
    /// database is a port nothing listens on at the site's server.
    /// </summary>
    private async Task<(string User, string Install, string Site)> ImportAsync(ApiServer api, SshAccount account, bool useKey, bool tables = false)
    {
        var user = "rmt" + Guid.NewGuid().ToString("N")[..8];
        Keep(await api.CreateUserAsync(RemoteAccounts.UserBody(ssh, account, user, useKey))).AssertEnvelope(201, null);
        var name = "site-" + Guid.NewGuid().ToString("N")[..8];
        var site = $"{account.Home}/public_html/{name}";
        DemoWordPress.WriteSite(ssh.LocalPath(site), "6.7.2", $"http://website.com/{name}");
        await SshServer.ChownAsync(account, ssh.LocalPath(account.Home));
        var imported = Keep(await api.PostJsonAsync("/installs", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user"] = user, ["application"] = "wordpress", ["path"] = site, ["url"] = $"http://website.com/{name}",
            ["db_type"] = "mysql", ["db_host"] = tables ? $"127.0.0.1:{ClosedPort()}" : "localhost", ["db_name"] = "wordpress", ["db_user"] = "wordpress",
            ["db_pass"] = "db-secret", ["db_prefix"] = "wp_", ["tables"] = tables ? new[] { "wp_options" } : Array.Empty<string>(),
            ["plugins"] = Array.Empty<object>(), ["themes"] = Array.Empty<object>(),
        }))).AssertEnvelope(201, null);
        Assert.Equal("6.7.2", imported.Data.GetProperty("version").GetString());
        return (user, imported.Data.GetProperty("id").GetString()!, site);
    }

    private ApiResponse Keep(ApiResponse response)
    {
        _bodies.Add(response.Body);
        return response;
    }

    private void AssertNoSecretShown(SshAccount account)
    {
        Assert.NotEmpty(_bodies);
        foreach (var body in _bodies)
        {
            RemoteAccounts.AssertNoSecret(account, body);
        }
    }

    private static async Task<string> OwnerAsync(string path) => (await SshServer.RunAsync("stat", ["-c", "%U", path])).Trim();

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
