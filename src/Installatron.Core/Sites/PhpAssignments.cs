using System.Text;

namespace Installatron.Core.Sites;

/// <summary>
/// A value a PHP file gives a constant or a variable, as far as it can be known without running the file:
/// <paramref name="Text"/> when it is a literal (or literals joined with <c>.</c>), else <c>null</c> and
/// <paramref name="Problem"/> says why ("calls getenv()", "is set 2 times (lines 4, 9)"). A problem never quotes the
/// value's text: it may be a password.
/// </summary>
public sealed record PhpValue(string? Text, int Line, string? Problem = null)
{
    public bool IsKnown => Text is not null;
}

/// <summary>
/// The constants (<c>define('NAME', …)</c>, <c>const NAME = …</c>) and variables (<c>$name = …</c>) a PHP file sets,
/// read statically, as an Installatron must read <c>wp-config.php</c>: parsed, never executed. Commented-out code
/// is ignored; a name set more than once with different values (depending on conditions only PHP can evaluate) is not known.
/// </summary>
public sealed class PhpAssignments
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, List<PhpValue>> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PhpValue>> _variables = new(StringComparer.Ordinal);

    private PhpAssignments()
    {
    }

    public static PhpAssignments Parse(byte[] source)
    {
        var result = new PhpAssignments();
        result.Read(PhpLexer.Tokenize(source));
        return result;
    }

    public static PhpAssignments Parse(string source) => Parse(Encoding.UTF8.GetBytes(source));

    /// <summary>The value of <c>define('<paramref name="name"/>', …)</c> or <c>const</c>; <c>null</c> when the file never sets it.</summary>
    public PhpValue? Constant(string name) => Single(_constants, name);

    /// <summary>The value of <c>$<paramref name="name"/> = …</c>; <c>null</c> when the file never sets it.</summary>
    public PhpValue? Variable(string name) => Single(_variables, name);

    private static PhpValue? Single(Dictionary<string, List<PhpValue>> values, string name)
    {
        if (!values.TryGetValue(name, out var list))
        {
            return null;
        }

        var first = list[0];
        if (list.Count == 1 || list.All(v => v.IsKnown && v.Text == first.Text))
        {
            return first;
        }

        return new PhpValue(null, first.Line,
            $"is set {list.Count} times (lines {string.Join(", ", list.Select(v => v.Line))}); which one applies is only known when PHP runs");
    }

    private void Read(IReadOnlyList<PhpToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var previous = i > 0 ? tokens[i - 1] : null;
            var isMember = previous is not null && (previous.Is("->") || previous.Is("?->") || previous.Is("::") || previous.IsWord("function"));
            var token = tokens[i];
            if (isMember)
            {
                continue;
            }

            if (token.IsWord("define") && At(tokens, i + 1, "(") && Literal(tokens, i + 2) is { } defined && At(tokens, i + 3, ","))
            {
                var end = ExpressionEnd(tokens, i + 4, stopAtComma: true);
                Add(_constants, defined, Evaluate(tokens, i + 4, end, token.Line));
                i = end;
            }
            else if (token.IsWord("const") && i + 2 < tokens.Count && tokens[i + 1].Kind == PhpTokenKind.Identifier && tokens[i + 2].Is("="))
            {
                var end = ExpressionEnd(tokens, i + 3, stopAtComma: true);
                Add(_constants, tokens[i + 1].Text, Evaluate(tokens, i + 3, end, token.Line));
                i = end;
            }
            else if (token.Kind == PhpTokenKind.Variable && i + 1 < tokens.Count && previous?.Is("$") != true)
            {
                var name = token.Text[1..];
                var next = tokens[i + 1];
                if (next.Is("="))
                {
                    var end = ExpressionEnd(tokens, i + 2, stopAtComma: false);
                    Add(_variables, name, Evaluate(tokens, i + 2, end, token.Line));
                    i = end;
                }
                else if (next.Kind == PhpTokenKind.Symbol && next.Text.Length == 2 && next.Text[1] == '=' && next.Text[0] is '.' or '+' or '-' or '*' or '/' or '%' or '&' or '|' or '^')
                {
                    Add(_variables, name, new PhpValue(null, token.Line, $"is changed with {next.Text} on line {token.Line}"));
                }
            }
        }
    }

    private static void Add(Dictionary<string, List<PhpValue>> values, string name, PhpValue value)
    {
        if (!values.TryGetValue(name, out var list))
        {
            values[name] = list = [];
        }

        list.Add(value);
    }

    private static bool At(IReadOnlyList<PhpToken> tokens, int index, string symbol) => index < tokens.Count && tokens[index].Is(symbol);

    /// <summary>The text of a plain string literal at <paramref name="index"/> (a constant's name), if there is one.</summary>
    private static string? Literal(IReadOnlyList<PhpToken> tokens, int index) =>
        index < tokens.Count && tokens[index] is { Kind: PhpTokenKind.String, Value: { } value } ? Encoding.Latin1.GetString(value) : null;

    /// <summary>The index of the token that ends the expression starting at <paramref name="start"/>: ';' (or ',' / ')') outside brackets.</summary>
    private static int ExpressionEnd(IReadOnlyList<PhpToken> tokens, int start, bool stopAtComma)
    {
        var depth = 0;
        for (var i = start; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind != PhpTokenKind.Symbol)
            {
                continue;
            }

            switch (token.Text)
            {
                case "(" or "[" or "{" or "#[":
                    depth++;
                    break;
                case ")" or "]" or "}" when depth == 0:
                    return i;
                case ")" or "]" or "}":
                    depth--;
                    break;
                case ";":
                    return i;
                case "," when depth == 0 && stopAtComma:
                    return i;
            }
        }

        return tokens.Count;
    }

    /// <summary>Literals joined by '.', or a reason why the value is only known when PHP runs.</summary>
    private static PhpValue Evaluate(IReadOnlyList<PhpToken> tokens, int start, int end, int line)
    {
        if (end <= start)
        {
            return new PhpValue(null, line, "has no value");
        }

        var bytes = new List<byte>();
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            var expectLiteral = (i - start) % 2 == 0;
            if (!expectLiteral)
            {
                if (!token.Is("."))
                {
                    return new PhpValue(null, line, Describe(tokens, start, end));
                }

                continue;
            }

            if (token is { Kind: PhpTokenKind.String, Value: { } value })
            {
                bytes.AddRange(value);
            }
            else if (token.Kind == PhpTokenKind.Number && DecimalNumber(token.Text) is { } number)
            {
                bytes.AddRange(Encoding.ASCII.GetBytes(number));
            }
            else
            {
                return new PhpValue(null, line, Describe(tokens, start, end));
            }
        }

        if ((end - start) % 2 == 0)
        {
            return new PhpValue(null, line, Describe(tokens, start, end));
        }

        try
        {
            return new PhpValue(StrictUtf8.GetString([.. bytes]), line);
        }
        catch (DecoderFallbackException)
        {
            return new PhpValue(null, line, "is not UTF-8 text");
        }
    }

    /// <summary>A decimal integer or float as PHP writes it (underscores allowed); other notations are not evaluated.</summary>
    private static string? DecimalNumber(string text)
    {
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        var valid = plain.Length > 0 && plain.All(c => char.IsAsciiDigit(c) || c == '.') && plain.Count(c => c == '.') <= 1
            && !(plain.Length > 1 && plain[0] == '0' && plain[1] != '.');
        return valid ? plain : null;
    }

    /// <summary>Why an expression is only known when PHP runs, naming what it uses but never its literal text.</summary>
    private static string Describe(IReadOnlyList<PhpToken> tokens, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            if (token.Kind == PhpTokenKind.Identifier && i + 1 < end && tokens[i + 1].Is("("))
            {
                return $"calls {token.Text.TrimStart('\\')}()";
            }
        }

        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case PhpTokenKind.Variable:
                    return $"uses the variable {token.Text}";
                case PhpTokenKind.Identifier:
                    return $"uses the constant {token.Text.TrimStart('\\')}";
                case PhpTokenKind.String when token.Value is null:
                    return "is a string with a variable in it";
                case PhpTokenKind.Other:
                    return "is a heredoc, a command or an unterminated string";
            }
        }

        return "is an expression";
    }
}
