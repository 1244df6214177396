using System.Text;
using System.Text.RegularExpressions;

namespace Installatron.Core.Sites;

/// <summary>
/// The header fields WordPress reads from the top of a plugin's main file or a theme's <c>style.css</c>
/// (<c>Plugin Name:</c>, <c>Theme Name:</c>, <c>Version:</c>), read as WordPress's <c>get_file_data()</c> does: the
/// first 8 KiB, any line ending, a field anywhere in a comment, a trailing <c>*/</c> or <c>?&gt;</c> dropped.
/// </summary>
public static partial class WordPressHeaders
{
    public const int HeaderBytes = 8192;
    public const string PluginName = "Plugin Name";
    public const string ThemeName = "Theme Name";
    public const string Version = "Version";

    /// <summary>The start of a header file, as much as WordPress reads of it.</summary>
    public static string ReadStart(Stream stream)
    {
        var buffer = new byte[HeaderBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <inheritdoc cref="ReadStart(Stream)"/>
    public static async Task<string> ReadStartAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[HeaderBytes];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The value of the field <paramref name="name"/> in <paramref name="text"/>, trimmed; <c>null</c> when absent.</summary>
    public static string? Field(string text, string name)
    {
        var normalized = text.Replace('\r', '\n');
        foreach (Match match in FieldLine().Matches(normalized))
        {
            if (string.Equals(match.Groups["name"].Value, name, StringComparison.OrdinalIgnoreCase))
            {
                return CommentEnd().Replace(match.Groups["value"].Value, "").Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?:[ \t]*<\?php)?[ \t/*#@]*(?<name>Plugin Name|Theme Name|Version):(?<value>.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"\s*(?:\*/|\?>).*")]
    private static partial Regex CommentEnd();
}
