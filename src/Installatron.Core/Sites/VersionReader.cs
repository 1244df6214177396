using System.Text;
using System.Text.RegularExpressions;
using Installatron.Core.Domain;

namespace Installatron.Core.Sites;

/// <summary>
/// A file that does not state a version literally. <see cref="Problem"/> describes the file (<c>whose $wp_version
/// (line 2) uses …</c>); the message says it after the file's name.
/// </summary>
public sealed class VersionNotStatedException(string shownAs, string problem, string shortProblem) : SiteFilesException($"{shownAs}: {shortProblem}.")
{
    public string Problem { get; } = problem;
}

/// <summary>A version as its application's recipe says to read it, and the database schema version beside it ("" when none).</summary>
public sealed record FoundVersion(string Version, string DbVersion);

/// <summary>
/// Reads the version a file states, the way its application's recipe says (<see cref="VersionSource"/>): a PHP
/// variable it assigns (parsed, never run: only a literal value counts) or a regular expression's group
/// <c>version</c>. The file's contents are the caller's to read; a file that states no version throws
/// <see cref="SiteFilesException"/> saying why.
/// </summary>
public static class VersionReader
{
    public static FoundVersion Read(byte[] contents, VersionSource source, string shownAs)
    {
        if (source.PhpVariable is { } variable)
        {
            var values = PhpAssignments.Parse(contents);
            if (values.Variable(variable) is not { Text: { Length: > 0 } } found)
            {
                throw values.Variable(variable) is { } unknown
                    ? new VersionNotStatedException(shownAs, $"whose ${variable} (line {unknown.Line}) {unknown.Problem ?? "is empty"}", $"${variable} {unknown.Problem ?? "is empty"}")
                    : new VersionNotStatedException(shownAs, $"that sets no ${variable}", $"${variable} is not set");
            }

            var db = source.DbPhpVariable is { } dbVariable && values.Variable(dbVariable) is { Text: { } text } ? text : "";
            return new FoundVersion(found.Text, db);
        }

        if (source.Pattern is { } pattern)
        {
            var match = new Regex(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                .Match(Encoding.UTF8.GetString(contents));
            return match.Success && match.Groups["version"].Value.Trim() is { Length: > 0 } version
                ? new FoundVersion(version, "")
                : throw new VersionNotStatedException(shownAs, $"in which nothing matches the version pattern {pattern}", $"nothing matches the version pattern {pattern}");
        }

        throw new SiteFilesException($"{shownAs}: the recipe names no way to read the version (a PHP variable or a pattern).");
    }
}
