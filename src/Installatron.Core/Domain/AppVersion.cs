using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Installatron.Core.Domain;

/// <summary>
/// An application version such as <c>6.7.2</c>, <c>6.1.10</c> or <c>7.0-RC1</c>: numeric parts compared as numbers,
/// a suffix marks a pre-release that sorts before the plain version.
/// </summary>
public sealed partial class AppVersion : IComparable<AppVersion>, IEquatable<AppVersion>
{
    private readonly int[] _numbers;

    private AppVersion(string text, int[] numbers, string suffix)
    {
        Text = text;
        _numbers = numbers;
        Suffix = suffix;
    }

    public string Text { get; }

    public string Suffix { get; }

    public int Major => _numbers[0];

    /// <summary>The release line a version belongs to: its first two numbers (<c>6.7.3</c> → <c>6.7</c>).</summary>
    public string DefaultBranch => _numbers.Length > 1 ? $"{_numbers[0]}.{_numbers[1]}" : $"{_numbers[0]}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out AppVersion? version)
    {
        version = null;
        if (text is null || text.Length > 40)
        {
            return false;
        }

        var match = VersionPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var parts = match.Groups["numbers"].Value.Split('.');
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out numbers[i]))
            {
                return false;
            }
        }

        version = new AppVersion(text, numbers, match.Groups["suffix"].Value);
        return true;
    }

    public static AppVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a version.");

    public int CompareTo(AppVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var length = Math.Max(_numbers.Length, other._numbers.Length);
        for (var i = 0; i < length; i++)
        {
            var mine = i < _numbers.Length ? _numbers[i] : 0;
            var theirs = i < other._numbers.Length ? other._numbers[i] : 0;
            if (mine != theirs)
            {
                return mine.CompareTo(theirs);
            }
        }

        // A pre-release (7.0-RC1) comes before its release (7.0).
        return (Suffix.Length == 0, other.Suffix.Length == 0) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            _ => string.Compare(Suffix, other.Suffix, StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Matches <c>*</c>, an exact version, or a prefix wildcard such as <c>6.*</c> or <c>6.7.*</c>.</summary>
    public bool Matches(string pattern)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = pattern[..^2];
            return Text.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase)
                || Text.StartsWith(prefix + "-", StringComparison.OrdinalIgnoreCase)
                || string.Equals(Text, prefix, StringComparison.OrdinalIgnoreCase);
        }

        return TryParse(pattern, out var exact) && CompareTo(exact) == 0;
    }

    public static bool IsValidPattern(string pattern) =>
        pattern == "*" || TryParse(pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern, out _);

    public bool Equals(AppVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => Equals(obj as AppVersion);

    public override int GetHashCode() => string.Join('.', _numbers.Reverse().SkipWhile(n => n == 0).Reverse()).GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;

    public static bool operator <(AppVersion left, AppVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(AppVersion left, AppVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(AppVersion left, AppVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AppVersion left, AppVersion right) => left.CompareTo(right) >= 0;

    [GeneratedRegex(@"\A(?<numbers>\d{1,9}(\.\d{1,9}){0,3})(?:[-.]?(?<suffix>[A-Za-z][A-Za-z0-9]{0,15}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
