using System.Text;

namespace Installatron.Core.Sites;

internal enum PhpTokenKind
{
    Identifier,
    Variable,
    String,
    Number,
    Symbol,

    /// <summary>Something this reader never evaluates: a heredoc, a shell command, an unterminated string.</summary>
    Other,
}

/// <summary>
/// One token of PHP source. <paramref name="Text"/> is the token as written (a variable with its <c>$</c>); a string
/// literal's bytes are in <paramref name="Value"/>, which is <c>null</c> when the string interpolates variables.
/// </summary>
internal sealed record PhpToken(PhpTokenKind Kind, string Text, int Line, byte[]? Value = null)
{
    public bool Is(string symbol) => Kind == PhpTokenKind.Symbol && Text == symbol;

    public bool IsWord(string word) =>
        Kind == PhpTokenKind.Identifier && string.Equals(Text.TrimStart('\\'), word, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Splits PHP source into tokens the way PHP's own lexer does for what a configuration file uses: text outside
/// <c>&lt;?php … ?&gt;</c> skipped, comments dropped (<c>//</c>, <c>#</c>, <c>/* */</c>), single- and double-quoted
/// strings decoded to their bytes with PHP's escapes. The source is read as bytes (one char per byte), so any
/// encoding survives until a value is decoded. Nothing is ever executed.
/// </summary>
internal sealed class PhpLexer
{
    private static readonly string[] Symbols =
    [
        "<<=", ">>=", "**=", "...", "<=>", "===", "!==", "??=", "?->",
        "==", "!=", "<>", "<=", ">=", "=>", "->", "::", ".=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
        "&&", "||", "??", "++", "--", "<<", ">>", "**", "#[",
    ];

    private readonly string _s;
    private readonly List<PhpToken> _tokens = [];
    private int _i;
    private int _line = 1;

    private PhpLexer(string source) => _s = source;

    public static IReadOnlyList<PhpToken> Tokenize(byte[] source)
    {
        var lexer = new PhpLexer(Encoding.Latin1.GetString(source));
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_i < _s.Length)
        {
            SkipInlineText();
            ReadPhp();
        }
    }

    /// <summary>Everything up to the next <c>&lt;?php</c> or <c>&lt;?=</c> is output, not code.</summary>
    private void SkipInlineText()
    {
        while (_i < _s.Length)
        {
            if (At("<?=", ignoreCase: false))
            {
                _i += 3;
                return;
            }

            if (At("<?php", ignoreCase: true) && (_i + 5 >= _s.Length || char.IsWhiteSpace(_s[_i + 5])))
            {
                _i += 5;
                return;
            }

            Advance();
        }
    }

    private void ReadPhp()
    {
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (At("?>", ignoreCase: false))
            {
                // A closing tag ends a statement like ';'.
                _tokens.Add(new PhpToken(PhpTokenKind.Symbol, ";", _line));
                _i += 2;
                return;
            }
            else if (At("//", ignoreCase: false) || (c == '#' && !At("#[", ignoreCase: false)))
            {
                while (_i < _s.Length && _s[_i] != '\n' && !At("?>", ignoreCase: false))
                {
                    _i++;
                }
            }
            else if (At("/*", ignoreCase: false))
            {
                _i += 2;
                while (_i < _s.Length && !At("*/", ignoreCase: false))
                {
                    Advance();
                }

                _i = Math.Min(_i + 2, _s.Length);
            }
            else if (c == '\'')
            {
                ReadSingleQuoted();
            }
            else if (c == '"')
            {
                ReadDoubleQuoted();
            }
            else if (c == '`')
            {
                ReadUntilClosing('`');
            }
            else if (At("<<<", ignoreCase: false))
            {
                ReadHeredoc();
            }
            else if (c == '$' && _i + 1 < _s.Length && IsNameStart(_s[_i + 1]))
            {
                var start = _i++;
                ReadName();
                _tokens.Add(new PhpToken(PhpTokenKind.Variable, _s[start.._i], _line));
            }
            else if (IsNameStart(c) || (c == '\\' && _i + 1 < _s.Length && IsNameStart(_s[_i + 1])))
            {
                var start = _i;
                while (_i < _s.Length && (IsNamePart(_s[_i]) || (_s[_i] == '\\' && _i + 1 < _s.Length && IsNameStart(_s[_i + 1]))))
                {
                    _i++;
                }

                _tokens.Add(new PhpToken(PhpTokenKind.Identifier, _s[start.._i], _line));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = _i;
                while (_i < _s.Length && (char.IsAsciiLetterOrDigit(_s[_i]) || _s[_i] is '_' || (_s[_i] == '.' && _i + 1 < _s.Length && char.IsAsciiDigit(_s[_i + 1]))))
                {
                    _i++;
                }

                _tokens.Add(new PhpToken(PhpTokenKind.Number, _s[start.._i], _line));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => At(s, ignoreCase: false)) ?? c.ToString();
                _tokens.Add(new PhpToken(PhpTokenKind.Symbol, symbol, _line));
                _i += symbol.Length;
            }
        }
    }

    /// <summary>'…': only \' and \\ are escapes; every other byte is itself.</summary>
    private void ReadSingleQuoted()
    {
        var line = _line;
        var start = _i++;
        var bytes = new List<byte>();
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '\'')
            {
                _i++;
                _tokens.Add(new PhpToken(PhpTokenKind.String, _s[start.._i], line, [.. bytes]));
                return;
            }

            if (c == '\\' && _i + 1 < _s.Length && _s[_i + 1] is '\'' or '\\')
            {
                bytes.Add((byte)_s[_i + 1]);
                _i += 2;
                continue;
            }

            bytes.Add((byte)c);
            Advance();
        }

        _tokens.Add(new PhpToken(PhpTokenKind.Other, _s[start..], line));
    }

    /// <summary>"…": PHP's escapes decoded; a string that interpolates a variable (<c>$x</c>, <c>{$x}</c>, <c>${x}</c>) has no value.</summary>
    private void ReadDoubleQuoted()
    {
        var line = _line;
        var start = _i++;
        var bytes = new List<byte>();
        var interpolates = false;
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '"')
            {
                _i++;
                _tokens.Add(new PhpToken(PhpTokenKind.String, _s[start.._i], line, interpolates ? null : [.. bytes]));
                return;
            }

            if (c == '\\' && _i + 1 < _s.Length)
            {
                ReadEscape(bytes);
                continue;
            }

            if ((c == '$' && _i + 1 < _s.Length && (IsNameStart(_s[_i + 1]) || _s[_i + 1] == '{')) || At("{$", ignoreCase: false))
            {
                interpolates = true;
            }

            bytes.Add((byte)c);
            Advance();
        }

        _tokens.Add(new PhpToken(PhpTokenKind.Other, _s[start..], line));
    }

    private void ReadEscape(List<byte> bytes)
    {
        var next = _s[_i + 1];
        var simple = next switch
        {
            'n' => '\n', 't' => '\t', 'r' => '\r', 'v' => '\v', 'e' => '\x1B', 'f' => '\f', '\\' => '\\', '$' => '$', '"' => '"',
            _ => (char?)null,
        };
        if (simple is { } escaped)
        {
            bytes.Add((byte)escaped);
            _i += 2;
            return;
        }

        if (next is >= '0' and <= '7')
        {
            var digits = Span(_i + 1, 3, ch => ch is >= '0' and <= '7');
            bytes.Add((byte)(Convert.ToInt32(digits, 8) & 0xFF));
            _i += 1 + digits.Length;
            return;
        }

        if (next == 'x' && _i + 2 < _s.Length && char.IsAsciiHexDigit(_s[_i + 2]))
        {
            var digits = Span(_i + 2, 2, char.IsAsciiHexDigit);
            bytes.Add(Convert.ToByte(digits, 16));
            _i += 2 + digits.Length;
            return;
        }

        if (next == 'u' && At("\\u{", ignoreCase: false))
        {
            var close = _s.IndexOf('}', _i + 3);
            var digits = close > _i + 3 ? _s[(_i + 3)..close] : "";
            if (digits.Length is > 0 and <= 6 && digits.All(char.IsAsciiHexDigit)
                && Convert.ToInt32(digits, 16) is var codePoint && codePoint <= 0x10FFFF && codePoint is < 0xD800 or > 0xDFFF)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(codePoint)));
                _i = close + 1;
                return;
            }
        }

        // An unknown escape is kept as written, backslash included.
        bytes.Add((byte)'\\');
        _i++;
    }

    /// <summary>A heredoc (&lt;&lt;&lt;ID) or nowdoc (&lt;&lt;&lt;'ID'), skipped whole up to its closing identifier; never evaluated.</summary>
    private void ReadHeredoc()
    {
        var line = _line;
        var start = _i;
        _i += 3;
        while (_i < _s.Length && _s[_i] is ' ' or '\t')
        {
            _i++;
        }

        var quote = _i < _s.Length && _s[_i] is '\'' or '"' ? _s[_i++] : '\0';
        var nameStart = _i;
        ReadName();
        var name = _s[nameStart.._i];
        if (quote != '\0' && _i < _s.Length && _s[_i] == quote)
        {
            _i++;
        }

        while (_i < _s.Length && name.Length > 0)
        {
            if (_s[_i] == '\n')
            {
                Advance();
                var content = _i;
                while (content < _s.Length && _s[content] is ' ' or '\t')
                {
                    content++;
                }

                if (string.CompareOrdinal(_s, content, name, 0, name.Length) == 0
                    && (content + name.Length >= _s.Length || !IsNamePart(_s[content + name.Length])))
                {
                    _i = content + name.Length;
                    break;
                }

                continue;
            }

            Advance();
        }

        _tokens.Add(new PhpToken(PhpTokenKind.Other, _s[start.._i], line));
    }

    private void ReadUntilClosing(char quote)
    {
        var line = _line;
        var start = _i++;
        while (_i < _s.Length && _s[_i] != quote)
        {
            if (_s[_i] == '\\')
            {
                _i++;
            }

            Advance();
        }

        _i = Math.Min(_i + 1, _s.Length);
        _tokens.Add(new PhpToken(PhpTokenKind.Other, _s[start.._i], line));
    }

    private void ReadName()
    {
        while (_i < _s.Length && IsNamePart(_s[_i]))
        {
            _i++;
        }
    }

    private void Advance()
    {
        if (_i < _s.Length && _s[_i] == '\n')
        {
            _line++;
        }

        _i++;
    }

    private bool At(string text, bool ignoreCase) =>
        _i + text.Length <= _s.Length
        && string.Compare(_s, _i, text, 0, text.Length, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) == 0;

    private string Span(int from, int max, Func<char, bool> accepts)
    {
        var end = from;
        while (end < _s.Length && end - from < max && accepts(_s[end]))
        {
            end++;
        }

        return _s[from..end];
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\x80';

    private static bool IsNamePart(char c) => IsNameStart(c) || char.IsAsciiDigit(c);
}
