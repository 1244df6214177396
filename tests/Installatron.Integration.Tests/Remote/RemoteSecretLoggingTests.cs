using System.Net.Http.Json;
using System.Text.Json;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Installatron.Sites.Tests.Support;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// The standalone server's whole log, at the Information level an operator runs it with, over a full run with remote
/// accounts: secrets given in the body and in the query string, a key with its passphrase, an import and updates
/// over SSH, a wrong password and a changed host key refused. No secret appears in it, nor in any response.
/// </summary>
[Collection(RemoteSitesCollection.Name)]
public sealed class RemoteSecretLoggingTests(IsolatedSshServer ssh)
{
    [Fact]
    public async Task ServerLog_RemoteAccountsImportsUpdatesAndRefusals_NeverHoldsASecret()
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var prefix = TestIds.NewPrefix();
        var bodies = new List<string>();
        string output;
        await using (var server = ServerProcess.Start(
        [
            "--urls", "http://127.0.0.1:0",
            "--AzureWebJobsStorage", azurite.ConnectionString,
            "--Installatron:Key", ApiServer.Key,
            "--Installatron:TablePrefix", prefix,
            "--Installatron:TaskHub", prefix,
            "--Installatron:DataPath", dataPath,
            "--Logging:LogLevel:Default", "Information",
            "--Logging:LogLevel:Microsoft.AspNetCore", "Information",
        ]))
        {
            using var client = ApiClient.Create(await server.Listening.WaitAsync(TimeSpan.FromSeconds(90)));
            async Task<JsonElement> SendAsync(string path, object body, int status)
            {
                using var response = await client.PostAsJsonAsync(path, body);
                var text = await response.Content.ReadAsStringAsync();
                bodies.Add(text);
                Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode} {text}");
                return JsonDocument.Parse(text).RootElement.Clone();
            }

            // The shell account by key (body), the SFTP-only one by password (query string).
            var byKey = RemoteAccounts.UserBody(ssh, ssh.ShellAccount, "rlogkey" + Guid.NewGuid().ToString("N")[..6], useKey: true);
            await SendAsync("/users", byKey, 201);
            var byPassword = RemoteAccounts.UserBody(ssh, ssh.SftpAccount, "rlogpw" + Guid.NewGuid().ToString("N")[..6]);
            byPassword.Remove("remote_password");
            await SendAsync($"/users?remote_password={Uri.EscapeDataString(ssh.SftpAccount.Password)}", byPassword, 201);

            foreach (var (user, account) in new[] { ((string)byKey["user"], ssh.ShellAccount), ((string)byPassword["user"], ssh.SftpAccount) })
            {
                var name = "log-" + Guid.NewGuid().ToString("N")[..8];
                var site = $"{account.Home}/public_html/{name}";
                DemoWordPress.WriteSite(ssh.LocalPath(site), "6.7.2", $"http://website.com/{name}");
                await SshServer.ChownAsync(account, ssh.LocalPath(account.Home));
                var install = (await SendAsync("/installs", new Dictionary<string, object>
                {
                    ["user"] = user, ["application"] = "wordpress", ["path"] = site, ["url"] = $"http://website.com/{name}", ["db_type"] = "",
                    ["plugins"] = Array.Empty<object>(), ["themes"] = Array.Empty<object>(),
                }, 201)).GetProperty("data").GetProperty("id").GetString();
                await SendAsync($"/installs/{install}/update", new { version = "6.7.3", revert = true }, 200);
                await SendAsync($"/installs/{install}/update", new { version = "current", dryrun = "all" }, 200);

                await SendAsync($"/users/{user}", new Dictionary<string, object> { ["remote_password"] = "wrong-" + account.Password, ["remote_private_key"] = "" }, 200);
                Assert.Equal("failed_filesystem_login", (await SendAsync($"/installs/{install}/update", new { version = "current" }, 500)).GetProperty("errcode").GetString());
                await SendAsync($"/users/{user}", new Dictionary<string, object> { ["remote_password"] = account.Password, ["remote_host_key"] = ssh.OtherFingerprint }, 200);
                Assert.Equal("failed_filesystem_host", (await SendAsync($"/installs/{install}/update", new { version = "current" }, 500)).GetProperty("errcode").GetString());
            }

            output = server.Output;
        }

        Assert.Contains("/update answered 200", output); // the log is real and holds the requests
        Assert.Contains("/update answered 500", output);
        foreach (var account in new[] { ssh.ShellAccount, ssh.SftpAccount })
        {
            RemoteAccounts.AssertNoSecret(account, output);
            RemoteAccounts.AssertNoSecret(account, Uri.UnescapeDataString(output));
            Assert.DoesNotContain(Uri.EscapeDataString(account.Password), output, StringComparison.Ordinal);
            foreach (var body in bodies)
            {
                RemoteAccounts.AssertNoSecret(account, body);
            }
        }
    }
}
