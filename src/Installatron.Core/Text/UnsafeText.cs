using System.Globalization;
using System.Text;

namespace Installatron.Core.Text;

/// <summary>
/// Text a caller or a package hands us, checked before it reaches a table key, a file name or a JSON answer: no lone
/// UTF-16 surrogate (it cannot be encoded), no NUL or other control character, no U+FFFD left by bytes that were
/// not UTF-8. Names allow none of these; free text (a title, a message) may hold tabs and line breaks.
/// </summary>
public static class UnsafeText
{
    /// <summary>Why <paramref name="name"/> cannot be a name (a path, an ID, a key), or <c>null</c> when it can.</summary>
    public static string? Describe(string name) => Find(name, allowLineBreaks: false);

    /// <summary>Why <paramref name="text"/> cannot be stored as free text, or <c>null</c> when it can.</summary>
    public static string? DescribeText(string text) => Find(text, allowLineBreaks: true);

    /// <summary><paramref name="text"/> safe to show in a message: every character <see cref="Describe"/> objects to escaped as <c>\uXXXX</c>.</summary>
    public static string Show(string text)
    {
        var shown = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shown.Append(c).Append(text[++i]);
            }
            else if (IsUnsafe(c, allowLineBreaks: false))
            {
                shown.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }

    /// <summary><paramref name="text"/> with every lone surrogate replaced by U+FFFD, so it can be encoded.</summary>
    public static string WellFormed(string text)
    {
        if (!text.Any(char.IsSurrogate))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string? Find(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"holds a lone UTF-16 surrogate (U+{(int)c:X4})";
            }

            if (c == '\0')
            {
                return "holds a NUL character";
            }

            if (c == '\uFFFD')
            {
                return "holds bytes that are not UTF-8 text";
            }

            if (IsUnsafe(c, allowLineBreaks))
            {
                return $"holds the control character U+{(int)c:X4}";
            }
        }

        return null;
    }

    private static bool IsUnsafe(char c, bool allowLineBreaks) =>
        char.IsSurrogate(c) || c == '\uFFFD'
        || (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'));
}
