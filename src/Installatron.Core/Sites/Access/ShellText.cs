using System.Text;

namespace Installatron.Core.Sites.Access;

/// <summary>Text handed to a POSIX shell: arguments quoted so no character of a path is ever interpreted.</summary>
public static class ShellText
{
    /// <summary>Single-quotes <paramref name="text"/> for <c>/bin/sh</c>.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Paths as NUL-terminated UTF-8 records, for <c>xargs -0</c>, <c>tar --null -T -</c> and friends.</summary>
    public static MemoryStream NulSeparated(IEnumerable<string> items)
    {
        var stream = new MemoryStream();
        foreach (var item in items)
        {
            var bytes = Encoding.UTF8.GetBytes(item);
            stream.Write(bytes);
            stream.WriteByte(0);
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>Splits NUL-terminated records of UTF-8 text.</summary>
    public static IEnumerable<string> SplitNul(byte[] output)
    {
        var start = 0;
        for (var i = 0; i < output.Length; i++)
        {
            if (output[i] == 0)
            {
                yield return Encoding.UTF8.GetString(output, start, i - start);
                start = i + 1;
            }
        }
    }
}
