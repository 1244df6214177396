using MySqlConnector;

namespace Installatron.Core.Databases;

/// <summary>
/// How to reach a site's database, as its configuration states it (WordPress's <c>DB_HOST</c> and friends).
/// <paramref name="Host"/> may be a name (<c>localhost</c>), a name with a port (<c>127.0.0.1:3307</c>), a socket
/// path (<c>/run/mysqld/mysqld.sock</c> or <c>localhost:/run/mysqld/mysqld.sock</c>); <paramref name="Socket"/>, when
/// given, wins over both. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record DatabaseConnection(string Host, int Port, string Name, string User, string Password, string? Socket = null)
{
    public const int DefaultPort = 3306;

    /// <summary>How messages name the server when it is reached through a tunnel (the endpoint as the site sees it, and where).</summary>
    public string? Label { get; init; }

    /// <summary>Where the server is, for messages: a socket path or <c>host:port</c>; never a credential.</summary>
    public string Endpoint
    {
        get
        {
            if (Label is not null)
            {
                return Label;
            }

            var (server, port, socket) = Resolve();
            return socket ? server : $"{server}:{port}";
        }
    }

    /// <summary>The same database reached at <paramref name="host"/>:<paramref name="port"/> (a forwarded port), named <paramref name="label"/> in messages.</summary>
    public DatabaseConnection Through(string host, int port, string label) =>
        this with { Host = host, Port = port, Socket = null, Label = label };

    public override string ToString() => $"{Endpoint}/{Name}";

    internal string ConnectionString()
    {
        var (server, port, socket) = Resolve();
        var builder = new MySqlConnectionStringBuilder
        {
            Server = server,
            Database = Name,
            UserID = User,
            Password = Password,
            CharacterSet = "utf8mb4",
            ConnectionTimeout = 10,
            DefaultCommandTimeout = 0,
            Pooling = false,
            TreatTinyAsBoolean = false,
            GuidFormat = MySqlGuidFormat.None,
            AllowUserVariables = true,
            SslMode = MySqlSslMode.Preferred,
        };
        if (socket)
        {
            builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }
        else
        {
            builder.Port = (uint)port;
        }

        return builder.ConnectionString;
    }

    /// <summary>The server (a host name or a socket path), its port, and whether it is a socket.</summary>
    internal (string Server, int Port, bool IsSocket) Resolve()
    {
        if (!string.IsNullOrWhiteSpace(Socket))
        {
            return (Socket, Port, true);
        }

        var host = Host.Trim();
        if (host.StartsWith('/'))
        {
            return (host, Port, true);
        }

        var port = Port > 0 ? Port : DefaultPort;
        if (host.StartsWith('['))
        {
            // [::1] or [::1]:3307
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close > 0)
            {
                var address = host[1..close];
                var rest = host[(close + 1)..];
                return rest.StartsWith(':') && int.TryParse(rest[1..], out var bracketed) ? (address, bracketed, false) : (address, port, false);
            }
        }

        var colon = host.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && host.IndexOf(':', colon + 1) < 0)
        {
            var name = host[..colon];
            var suffix = host[(colon + 1)..];
            if (suffix.StartsWith('/'))
            {
                return (suffix, port, true);
            }

            if (int.TryParse(suffix, out var explicitPort))
            {
                return (name.Length == 0 ? "localhost" : name, explicitPort, false);
            }
        }

        return (host.Length == 0 ? "localhost" : host, port, false);
    }
}
