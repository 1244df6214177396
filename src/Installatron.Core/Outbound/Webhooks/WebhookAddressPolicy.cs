using System.Net;
using System.Net.Sockets;

namespace Installatron.Core.Outbound.Webhooks;

/// <summary>
/// Where webhooks may go: <c>https://</c> URLs without credentials whose host resolves only to public addresses. Loopback,
/// private, link-local, unique-local, CGNAT, multicast, unspecified, documentation and other special ranges (IPv4 and
/// IPv6, IPv4 inside IPv6 included) are refused unless <see cref="NotificationOptions.WebhookAllowPrivateNetworks"/>;
/// <c>http://</c> unless <see cref="NotificationOptions.WebhookAllowHttp"/>. Checked when an endpoint is registered and
/// again on every connection (a name that resolves elsewhere later — DNS rebinding — is refused then).
/// </summary>
public static class WebhookAddressPolicy
{
    public const int MaxUrlLength = 2000;

    private static readonly IPNetwork[] NonPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"), // CGNAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), // multicast
        IPNetwork.Parse("240.0.0.0/4"), // reserved, broadcast
    ];

    private static readonly IPNetwork[] NonPublicV6 =
    [
        IPNetwork.Parse("::/127"), // unspecified, loopback
        IPNetwork.Parse("64:ff9b:1::/48"), // local-use NAT64
        IPNetwork.Parse("100::/64"), // discard
        IPNetwork.Parse("2001::/23"), // IETF protocol assignments, Teredo
        IPNetwork.Parse("2001:db8::/32"), // documentation
        IPNetwork.Parse("fc00::/7"), // unique-local
        IPNetwork.Parse("fe80::/10"), // link-local
        IPNetwork.Parse("fec0::/10"), // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"), // multicast
    ];

    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether a connection to <paramref name="address"/> reaches the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !NonPublicV4.Any(n => n.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || NonPublicV6.Any(n => n.Contains(address)))
        {
            return false;
        }

        // IPv4 carried in IPv6 (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16): judged by that IPv4.
        var bytes = address.GetAddressBytes();
        if (V4Compatible.Contains(address) || Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(bytes[12..16]));
        }

        return !SixToFour.Contains(address) || IsPublic(new IPAddress(bytes[2..6]));
    }

    /// <summary>Why <paramref name="url"/> may not be a webhook URL (before resolving its host); <c>null</c> when it may.</summary>
    public static string? CheckUrl(string url, NotificationOptions options)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"must be an absolute https:// URL of at most {MaxUrlLength} characters";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.WebhookAllowHttp))
        {
            return "must be an https:// URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry a user name or password";
        }

        if (uri.Fragment.Length > 0)
        {
            return "must not have a fragment (#…)";
        }

        return uri.IdnHost.Length == 0 ? "must name a host" : null;
    }

    /// <summary>
    /// The addresses <paramref name="host"/> resolves to, every one of them allowed; else <see cref="WebhookAddressRefused"/>
    /// (a name with one private address among public ones is refused whole).
    /// </summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, NotificationOptions options, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new WebhookAddressRefused($"the host {host} does not resolve ({e.SocketErrorCode})");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefused($"the host {host} does not resolve");
        }

        if (!options.WebhookAllowPrivateNetworks && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
        {
            throw new WebhookAddressRefused($"the host {host} resolves to {refused}, which is not a public internet address");
        }

        return addresses;
    }
}

/// <summary>A webhook destination that the address policy refuses; its message says why.</summary>
public sealed class WebhookAddressRefused(string message) : Exception(message);
