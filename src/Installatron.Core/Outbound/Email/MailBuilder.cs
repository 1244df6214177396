using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Installatron.Core.Outbound.Email;

/// <summary>One mail written twice from the same parts: plain text, and HTML with every value encoded.</summary>
internal sealed class MailBuilder(string subject)
{
    public const string SubjectPrefix = "[Installatron] ";

    /// <summary>Encodes what HTML needs encoded (&lt;, &gt;, &amp;, quotes); other characters stay readable (the mail is UTF-8).</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly List<string> _paragraphs = [];
    private readonly List<(string Label, string Value)> _facts = [];
    private string _footer = "";

    public MailBuilder Paragraph(string text)
    {
        _paragraphs.Add(text);
        return this;
    }

    public MailBuilder Fact(string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _facts.Add((label, value));
        }

        return this;
    }

    public MailBuilder Footer(string text)
    {
        _footer = text;
        return this;
    }

    public MailContent To(string address)
    {
        var text = new StringBuilder();
        foreach (var paragraph in _paragraphs)
        {
            text.Append(paragraph).Append("\n\n");
        }

        var width = _facts.Count == 0 ? 0 : _facts.Max(f => f.Label.Length) + 1;
        foreach (var (label, value) in _facts)
        {
            text.Append((label + ":").PadRight(width)).Append(' ').Append(value).Append('\n');
        }

        text.Append("\n-- \n").Append(_footer).Append('\n');

        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(subject)).Append("</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.4\">\n");
        foreach (var paragraph in _paragraphs)
        {
            html.Append("<p>").Append(Encode(paragraph)).Append("</p>\n");
        }

        html.Append("<table cellpadding=\"4\" style=\"border-collapse: collapse\">\n");
        foreach (var (label, value) in _facts)
        {
            html.Append("<tr><th align=\"left\" valign=\"top\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n<p style=\"color: #666; font-size: smaller\">").Append(Encode(_footer)).Append("</p>\n</body></html>\n");
        return new MailContent(address, SubjectPrefix + OneLine(subject), text.ToString(), html.ToString());
    }

    private static string Encode(string text) => Html.Encode(text).Replace("\n", "<br>", StringComparison.Ordinal);

    /// <summary>A subject is one line: no header can be smuggled in through a site title or a message.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
