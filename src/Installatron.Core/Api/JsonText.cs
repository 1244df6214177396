using System.Text.Json;
using Installatron.Core.Text;

namespace Installatron.Core.Api;

/// <summary>
/// Strings of a parsed JSON body, checked before anything reads them: <see cref="JsonDocument"/> accepts escapes
/// such as <c>"\ud800"</c> (a lone surrogate) and, inside strings, bytes that are not UTF-8; both fail only when the
/// string is read or written again, far from the request.
/// </summary>
internal static class JsonText
{
    /// <summary>The member's name; false when it is not UTF-8 (its text is checked with the other names later).</summary>
    public static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    /// <summary>What is wrong with the first bad string (or member name) in <paramref name="value"/>, or <c>null</c>.</summary>
    public static string? FindUnsafe(JsonElement value)
    {
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => UnsafeText.DescribeText(value.GetString()!),
                JsonValueKind.Array => value.EnumerateArray().Select(FindUnsafe).FirstOrDefault(problem => problem is not null),
                JsonValueKind.Object => value.EnumerateObject()
                    .Select(member => UnsafeText.Describe(member.Name) is { } badName ? $"holds a member name that {badName}" : FindUnsafe(member.Value))
                    .FirstOrDefault(problem => problem is not null),
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return "holds text that is not UTF-8";
        }
    }
}
