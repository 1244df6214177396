using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Installatron.Core.Api;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;

namespace Installatron.Integration.Tests.Security;

/// <summary>One generated request: any route, any query, any content type, any body, with or without the key.</summary>
public sealed record HostileRequest(string Method, string PathAndQuery, string? ContentType, byte[] Body, string? Key)
{
    public override string ToString() =>
        $"{Method} {PathAndQuery} [{ContentType ?? "no content type"}] key={(Key == ApiServer.Key ? "right" : Key ?? "none")} body={Show(Body)}";

    private static string Show(byte[] body) =>
        body.Length > 300 ? $"{body.Length} bytes" : string.Concat(Encoding.UTF8.GetString(body).Select(c => c is >= ' ' and < '\x7f' ? c.ToString() : $"\\u{(int)c:x4}"));
}

/// <summary>
/// Generators of what a hostile or careless caller sends: strings with lone surrogates, control characters, NUL,
/// trailing newlines, odd Unicode and sheer length; numbers too big for any type; nesting; every content type;
/// bytes that are not UTF-8; parameter names the API knows mixed with names it does not.
/// </summary>
public static class HostileRequests
{
    private static readonly string[] KnownNames =
    [
        "user", "version", "revert", "plugins", "plugin", "themes", "theme", "background", "dryrun", "application", "path",
        "url", "db_pass", "db_host", "tables", "files", "exclude_files", "role", "owner", "suspended", "home", "vhosts",
        "quota_disk_bytes", "php_version", "from", "install", "offset", "limit", "upgrade_from", "requirements", "package", "id",
    ];

    private static readonly string[] Interesting =
    [
        "", " ", "wordpress", DemoData.InstallId, DemoData.User, "6.7.3", "7.0.0", "current", "true", "all", "input", "none",
        "../../etc/passwd", "/etc", "a\nb", "name\n", "\ud800", "\udfff\ud800", "\0", "a\0b", "é", "𝄞", "\u202e", "\ufeff",
        "\u001b[31m", "%00", "%ZZ", "{}", "[]", "null", "1e309", "-1", "99999999999999999999", "website.com", "http://website.com/x",
        new string('x', 300), "reseller", "admin", "*",
    ];

    private static Gen<string> Text =>
        Gen.OneOf(
            Gen.Elements(Interesting),
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
            Gen.Elements(Interesting).ArrayOf().Select(parts => string.Concat(parts)));

    private static Gen<string> Name => Gen.OneOf(Gen.Elements(KnownNames), Gen.Elements(KnownNames), Text);

    private static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.OneOf(
            Text.Select(JsonString),
            Gen.Elements("0", "-1", "1.5", "1e309", "-0", "99999999999999999999999", "true", "false", "null", "1E-400"));
        if (depth <= 0)
        {
            return scalar;
        }

        var array = JsonValue(depth - 1).ArrayOf().Select(items => "[" + string.Join(",", items.Take(5)) + "]");
        return Gen.OneOf(scalar, scalar, array, JsonObject(depth - 1));
    }

    private static Gen<string> JsonObject(int depth) =>
        Gen.Zip(Name, JsonValue(depth)).ArrayOf().Select(members =>
            "{" + string.Join(",", members.Take(6).Select(m => JsonString(m.Item1) + ":" + m.Item2)) + "}");

    /// <summary>A JSON string literal; everything outside printable ASCII escaped as \uXXXX, so a lone surrogate is sent as JSON allows.</summary>
    private static string JsonString(string text) =>
        "\"" + string.Concat(text.Select(c => c is >= ' ' and < '\x7f' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:x4}")) + "\"";

    private static Gen<byte[]> Body(string? contentType)
    {
        var json = JsonObject(2).Select(Encoding.UTF8.GetBytes);
        var form = Gen.Zip(Name, Text).ArrayOf().Select(pairs =>
            Encoding.UTF8.GetBytes(string.Join("&", pairs.Take(6).Select(p => Uri.EscapeDataString(p.Item1) + "=" + Escape(p.Item2)))));
        var multipart = Gen.Zip(Name, Text).ArrayOf().Select(pairs => Encoding.UTF8.GetBytes(
            string.Concat(pairs.Take(5).Select(p => $"--B\r\nContent-Disposition: form-data; name=\"{p.Item1.Replace("\"", "")}\"\r\n\r\n{p.Item2}\r\n")) + "--B--\r\n"));
        var raw = ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []);
        var notUtf8 = json.Select(b => b.Length < 3 ? b : [.. b[..(b.Length / 2)], 0xC3, 0x28, 0xFF, .. b[(b.Length / 2)..]]);
        return contentType switch
        {
            "application/json" => Gen.OneOf(json, json, notUtf8, raw),
            "application/x-www-form-urlencoded" => Gen.OneOf(form, json, raw),
            { } type when type.StartsWith("multipart/", StringComparison.Ordinal) => Gen.OneOf(multipart, raw),
            _ => Gen.OneOf(json, form, raw, Gen.Constant(Array.Empty<byte>())),
        };
    }

    private static string Escape(string text)
    {
        try
        {
            return Uri.EscapeDataString(text);
        }
        catch (UriFormatException)
        {
            // A lone surrogate cannot be percent-encoded as UTF-8: send the bytes a careless client would.
            return string.Concat(Encoding.UTF8.GetBytes(text).Select(b => $"%{b:X2}"));
        }
    }

    private static Gen<string> Segment(string placeholder) => Gen.OneOf(
        Gen.Constant(placeholder switch
        {
            "{id}" => DemoData.InstallId,
            "{app}" => "wordpress",
            _ => DemoData.User,
        }),
        Text.Where(t => t.Length > 0).Select(Escape));

    private static Gen<string> Path(ApiRoute route) =>
        route.Template.Split('/').Select(part => part.StartsWith('{') ? Segment(part) : Gen.Constant(part))
            .Aggregate(Gen.Constant(""), (path, part) => Gen.Zip(path, part).Select(p => p.Item1 + "/" + p.Item2));

    private static Gen<string> Query => Gen.OneOf(
        Gen.Constant(""),
        Gen.Zip(Name, Text).ArrayOf().Select(pairs => "?" + string.Join("&", pairs.Take(5).Select(p => Escape(p.Item1) + "=" + Escape(p.Item2)))));

    private static readonly string?[] ContentTypes =
    [
        null, "application/json", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=B",
        "multipart/form-data", "multipart/mixed; boundary=B", "multipart/related; boundary=B", "text/plain", "application/xml",
        "application/json; charset=iso-8859-1", "garbage", "multipart/form-data; boundary=\"\"",
    ];

    public static Gen<HostileRequest> Requests =>
        from route in Gen.Elements(ApiRoutes.All.ToArray())
        from path in Path(route)
        from query in Query
        from contentType in Gen.Elements(ContentTypes)
        from body in route.Method == "GET" ? Gen.Constant(Array.Empty<byte>()) : Body(contentType)
        from key in Gen.Frequency((8, Gen.Constant<string?>(ApiServer.Key)), (1, Gen.Constant<string?>(null)), (1, Gen.Constant<string?>("wrong")))
        select new HostileRequest(route.Method, path + query, route.Method == "GET" ? null : contentType, body, key);
}
