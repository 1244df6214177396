using Installatron.Core.Databases;

namespace Installatron.Databases.Tests;

public sealed class DatabaseConnectionTests
{
    [Theory]
    [InlineData("localhost", 3306, "localhost", 3306, false)]
    [InlineData("127.0.0.1:3307", 3306, "127.0.0.1", 3307, false)]
    [InlineData("db.example.test", 0, "db.example.test", 3306, false)]
    [InlineData("/run/mysqld/mysqld.sock", 3306, "/run/mysqld/mysqld.sock", 3306, true)]
    [InlineData("localhost:/run/mysqld/mysqld.sock", 3306, "/run/mysqld/mysqld.sock", 3306, true)]
    [InlineData("[::1]:3308", 3306, "::1", 3308, false)]
    [InlineData("::1", 3306, "::1", 3306, false)]
    public void Resolve_HostForms_ServerPortAndProtocol(string host, int port, string server, int expectedPort, bool socket)
    {
        var connection = new DatabaseConnection(host, port, "wp", "user", "secret");

        Assert.Equal((server, expectedPort, socket), connection.Resolve());
    }

    [Fact]
    public void Resolve_SocketGiven_WinsOverHost()
    {
        var connection = new DatabaseConnection("127.0.0.1:3307", 3306, "wp", "user", "secret", Socket: "/tmp/my.sock");

        Assert.Equal(("/tmp/my.sock", 3306, true), connection.Resolve());
    }

    [Fact]
    public void ToString_Always_HidesCredentials()
    {
        var connection = new DatabaseConnection("127.0.0.1:3307", 3306, "wp", "someuser", "s3cr3t-pass");

        Assert.Equal("127.0.0.1:3307/wp", connection.ToString());
        Assert.DoesNotContain("s3cr3t-pass", connection.Endpoint, StringComparison.Ordinal);
    }
}
