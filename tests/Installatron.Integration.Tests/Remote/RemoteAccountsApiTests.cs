using Azure.Data.Tables;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Remote;

/// <summary>
/// Setting a hosting account's remote location over HTTP (<c>POST /users</c>, <c>POST /users/{user}</c>): what is
/// stored and shown, secrets write-only and sealed at rest, FTP refused at input with a clear errcode, every bad value
/// refused with nothing stored.
/// </summary>
public sealed class RemoteAccountsApiTests
{
    private const string Fingerprint = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    private const string Password = "pw-Zq8!correct horse battery staple";

    [Fact]
    public async Task CreateUser_WithRemoteLocation_ShownWithoutSecretsAndSealedAtRest()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);

        var created = (await server.PostJsonAsync("/users", $$"""
            {"user": "remote1", "home": "/home/remote1", "vhosts": ["example.com"], "remote_host": "sftp://deploy@files.example.com:2222",
             "remote_password": "{{Password}}", "remote_host_key": "{{Fingerprint}}=", "allowed_paths": ["/home/remote1/public_html/"]}
            """)).AssertEnvelope(201, null);
        var read = (await server.GetAsync("/users/remote1")).AssertEnvelope(200, null);

        foreach (var response in new[] { created, read })
        {
            Assert.DoesNotContain(Password, response.Body, StringComparison.Ordinal);
            var remote = response.Data.GetProperty("remote");
            Assert.Equal(("sftp", "files.example.com", 2222, "deploy", Fingerprint, true, false),
                (remote.GetProperty("protocol").GetString(), remote.GetProperty("host").GetString(), remote.GetProperty("port").GetInt32(),
                 remote.GetProperty("login").GetString(), remote.GetProperty("host_key").GetString(), remote.GetProperty("password_set").GetBoolean(),
                 remote.GetProperty("private_key_set").GetBoolean()));
            Assert.Equal("/home/remote1/public_html", response.Data.GetProperty("allowed_paths")[0].GetString());
        }

        // At rest: a row of its own, sealed; the password opens only through the store.
        var tables = server.Services.GetRequiredService<InstallatronTables>();
        var rows = new List<string>();
        await foreach (var row in tables.Users.QueryAsync<TableEntity>(e => e.PartitionKey == "remote1"))
        {
            rows.Add(string.Join("|", row.Select(p => $"{p.Key}={p.Value}")));
        }

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.DoesNotContain(Password, row, StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Contains("Sealed=v1.", StringComparison.Ordinal));
        Assert.Equal(Password, (await server.Services.GetRequiredService<UserStore>().GetRemoteSecretsAsync("remote1", CancellationToken.None)).Password);
    }

    [Theory]
    [InlineData("""{"remote_protocol": "ftp", "remote_host": "files.example.com"}""", "invalid_argument_remote_protocol", "no maintained FTP library")]
    [InlineData("""{"remote_protocol": "FTPS"}""", "invalid_argument_remote_protocol", "no maintained FTP library")]
    [InlineData("""{"remote_host": "ftp://deploy@files.example.com"}""", "invalid_argument_remote_host", "no maintained FTP library")]
    [InlineData("""{"remote_host": "ftps://files.example.com:990"}""", "invalid_argument_remote_host", "no maintained FTP library")]
    [InlineData("""{"remote_host": "sftp://deploy:secret@files.example.com"}""", "invalid_argument_remote_host", "without a path or a password")]
    [InlineData("""{"remote_host": "files.example.com", "remote_login": "deploy", "remote_password": "x", "remote_host_key": "MD5:aa:bb"}""", "invalid_argument_remote_host_key", "ssh-keygen -lf")]
    [InlineData("""{"remote_host": "files.example.com", "remote_login": "deploy", "remote_host_key": "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"}""", "invalid_argument_remote_password", "is required to log in")]
    [InlineData("""{"remote_host": "files.example.com", "remote_login": "deploy", "remote_host_key": "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", "remote_private_key": "not a key"}""", "invalid_argument_remote_private_key", "OpenSSH private key")]
    [InlineData("""{"remote_host": "files.example.com", "remote_login": "-oProxyCommand", "remote_password": "x", "remote_host_key": "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"}""", "invalid_argument_remote_login", "not starting with '-'")]
    [InlineData("""{"remote_host": "files.example.com", "remote_port": 70000}""", "invalid_argument_remote_port", "1 to 65535")]
    [InlineData("""{"remote_protocol": "local", "remote_host": "files.example.com"}""", "invalid_argument_remote_host", "does not apply")]
    [InlineData("""{"allowed_paths": ["public_html"]}""", "invalid_argument_allowed_paths", "absolute folder")]
    public async Task EditUser_BadRemoteValue_RefusedNamingTheFieldAndNothingStored(string body, string errcode, string because)
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        (await server.PostJsonAsync("/users", """{"user": "remote2", "home": "/home/remote2", "vhosts": ["example.com"]}""")).AssertEnvelope(201, null);
        var snapshot = await server.SnapshotAsync();

        var refused = (await server.PostJsonAsync("/users/remote2", body)).AssertEnvelope(400, errcode, errcode["invalid_argument_".Length..]);

        Assert.Contains(because, refused.Message, StringComparison.Ordinal);
        Assert.Equal(snapshot, await server.SnapshotAsync());
    }

    [Fact]
    public async Task EditUser_ServerChangedWithoutNewSecret_RefusedSoTheOldPasswordNeverGoesToTheNewServer()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        (await server.PostJsonAsync("/users", $$"""
            {"user": "remote3", "home": "/home/remote3", "remote_host": "old.example.com", "remote_login": "deploy",
             "remote_password": "{{Password}}", "remote_host_key": "{{Fingerprint}}"}
            """)).AssertEnvelope(201, null);

        var moved = (await server.PostJsonAsync("/users/remote3", """{"remote_host": "new.example.com"}""")).AssertEnvelope(400, "invalid_argument_remote_password", "remote_password");
        Assert.Contains("only ever sent to the server it was given for", moved.Message, StringComparison.Ordinal);

        // Same server: other fields change, the secret stays; local: the location and its secret are gone.
        (await server.PostJsonAsync("/users/remote3", """{"email": "ops@example.com"}""")).AssertEnvelope(200, null);
        var store = server.Services.GetRequiredService<UserStore>();
        Assert.Equal(Password, (await store.GetRemoteSecretsAsync("remote3", CancellationToken.None)).Password);
        var local = (await server.PostJsonAsync("/users/remote3", """{"remote_protocol": "local"}""")).AssertEnvelope(200, null);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, local.Data.GetProperty("remote").ValueKind);
        Assert.Equal(RemoteSecrets.None, await store.GetRemoteSecretsAsync("remote3", CancellationToken.None));
    }

    [Fact]
    public async Task CreateUser_RemoteWithoutHome_RefusedForHome()
    {
        await using var server = await ApiServer.StartAsync(demoData: false);
        var refused = await server.PostJsonAsync("/users", $$"""
            {"user": "remote4", "remote_host": "files.example.com", "remote_login": "deploy", "remote_password": "x", "remote_host_key": "{{Fingerprint}}"}
            """);
        refused.AssertEnvelope(400, "invalid_argument_home", "home");
    }
}
