using System.Text.Json;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Sites.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>Hosting accounts whose sites are on the test's sshd, and their secrets (to look for them where they must not be).</summary>
public static class RemoteAccounts
{
    /// <summary>The body of <c>POST /users</c> for a new account on <paramref name="account"/>'s login, by password or by key.</summary>
    public static Dictionary<string, object> UserBody(SshServer server, SshAccount account, string user, bool useKey = false, string vhost = "website.com")
    {
        var body = new Dictionary<string, object>
        {
            ["user"] = user,
            ["home"] = account.Home,
            ["vhosts"] = new[] { vhost },
            ["php_version"] = "8.2",
            ["db_server"] = "mariadb",
            ["db_version"] = "10.11",
            ["remote_protocol"] = "sftp",
            ["remote_host"] = "127.0.0.1",
            ["remote_port"] = server.Port,
            ["remote_login"] = account.Login,
            ["remote_host_key"] = server.Fingerprint,
        };
        if (useKey)
        {
            body["remote_private_key"] = account.PrivateKey;
            body["remote_private_key_passphrase"] = account.Passphrase;
        }
        else
        {
            body["remote_password"] = account.Password;
        }

        return body;
    }

    /// <summary>Adds the account straight to the store (for the workflow harness), its secrets sealed as the API stores them.</summary>
    public static async Task<HostingUser> AddAsync(IServiceProvider services, SshServer server, SshAccount account, string user, string vhost, bool useKey = false)
    {
        var store = services.GetRequiredService<UserStore>();
        var hosting = new HostingUser
        {
            User = user, Home = account.Home, Vhosts = [vhost], PhpVersion = "8.2", DbServer = DbServers.MariaDb, DbVersion = "10.11",
            Remote = new RemoteLocation
            {
                Host = "127.0.0.1", Port = server.Port, Login = account.Login, HostKey = server.Fingerprint,
                PasswordSet = !useKey, PrivateKeySet = useKey,
            },
        };
        await store.AddAsync(hosting, CancellationToken.None);
        await store.SaveRemoteSecretsAsync(user, useKey ? new RemoteSecrets(null, account.PrivateKey, account.Passphrase) : new RemoteSecrets(account.Password, null, null),
            CancellationToken.None);
        return hosting;
    }

    /// <summary>Every form of the account's secrets that must never show: each secret, its JSON-escaped form, a distinctive line of the key.</summary>
    public static IEnumerable<string> SecretForms(SshAccount account)
    {
        yield return account.Password;
        yield return account.Passphrase;
        yield return JsonSerializer.Serialize(account.PrivateKey)[1..^1][..200];
        foreach (var line in account.PrivateKey.Split('\n').Where(l => l.Length > 40 && !l.StartsWith("-----", StringComparison.Ordinal)))
        {
            yield return line;
        }
    }

    /// <summary>Asserts that none of the account's secrets is in <paramref name="text"/>.</summary>
    public static void AssertNoSecret(SshAccount account, string text)
    {
        foreach (var secret in SecretForms(account))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
