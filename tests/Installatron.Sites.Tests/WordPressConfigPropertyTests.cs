using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Installatron.Core.Sites;

namespace Installatron.Sites.Tests;

/// <summary>Any value, quoted any way PHP allows and surrounded by comments, reads back exactly.</summary>
public sealed class WordPressConfigPropertyTests
{
    private static readonly char[] Characters =
    [
        'a', 'Z', '0', '_', ' ', '\'', '"', '\\', '$', '{', '}', '/', '*', '#', '?', '>', '<', ';', ',', '(', ')', '.', '\n', '\t',
        'é', '漢', 'x', 'n', 'u', '7',
    ];

    private static readonly string[] Gaps = ["", " ", "\n", "\t ", " /* c */ ", " // c\n", " # c\n", "/**/"];

    [Property(MaxTest = 500)]
    public Property ParseConfig_GeneratedQuoting_ValueReadBackExactly() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var source = $"<?php\n{c.Gaps[0]}define({c.Gaps[1]}'DB_PASSWORD'{c.Gaps[2]},{c.Gaps[3]}{c.Literal}{c.Gaps[4]}){c.Gaps[5]};\n"
                         + $"$table_prefix{c.Gaps[6]}={c.Gaps[7]}{c.Literal};\n";
            var config = WordPressSiteFiles.ParseConfig(Encoding.UTF8.GetBytes(source), "wp-config.php");
            return config.DbPassword?.Text == c.Value && config.TablePrefix?.Text == c.Value;
        });

    private sealed record Case(string Value, string Literal, string[] Gaps)
    {
        public override string ToString() => $"value {Value}: {Literal} with gaps [{string.Join("|", Gaps)}]";
    }

    private static Gen<Case> Cases() =>
        from value in Gen.Elements(Characters).ArrayOf().Select(chars => new string(chars))
        from style in Gen.Elements(Styles.Single, Styles.Double, Styles.DoubleEscaped, Styles.Concatenated)
        from gaps in Gen.Elements(Gaps).ArrayOf(8)
        select new Case(value, Quote(value, style), gaps);

    private enum Styles
    {
        Single,
        Double,
        DoubleEscaped,
        Concatenated,
    }

    private static string Quote(string value, Styles style) => style switch
    {
        Styles.Single => SingleQuoted(value),
        Styles.Double => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$") + "\"",
        Styles.DoubleEscaped => "\"" + string.Concat(Encoding.UTF8.GetBytes(value).Select(b => b % 2 == 0 ? $"\\x{b:X2}" : $"\\{Convert.ToString(b, 8)}")) + "\"",
        _ => value.Length < 2 ? SingleQuoted(value) : $"{SingleQuoted(value[..(value.Length / 2)])} . {SingleQuoted(value[(value.Length / 2)..])}",
    };

    private static string SingleQuoted(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
