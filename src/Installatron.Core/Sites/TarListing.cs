using System.Formats.Tar;
using System.Globalization;
using System.Text;

namespace Installatron.Core.Sites;

/// <summary>One line of <c>tar -tv --quoting-style=c --numeric-owner --full-time</c>: type, mode, name and link target.</summary>
internal readonly record struct TarListingEntry(TarEntryType Type, int Mode, long Size, string Name, string? LinkTarget);

/// <summary>Reads GNU tar's verbose listing with C-quoted names (the only form in which every name can be read back exactly).</summary>
internal static class TarListing
{
    public static bool TryParse(string line, out TarListingEntry entry)
    {
        entry = default;
        var quote = line.IndexOf('"');
        if (line.Length < 10 || quote < 0)
        {
            return false;
        }

        var position = quote;
        if (!TryReadQuoted(line, ref position, out var name))
        {
            return false;
        }

        string? target = null;
        const string Arrow = " -> ";
        const string HardLink = " link to ";
        if (line.AsSpan(position).StartsWith(Arrow, StringComparison.Ordinal) || line.AsSpan(position).StartsWith(HardLink, StringComparison.Ordinal))
        {
            position = line.IndexOf('"', position);
            if (position < 0 || !TryReadQuoted(line, ref position, out target))
            {
                return false;
            }
        }

        var type = line[0] switch
        {
            'd' => TarEntryType.Directory,
            'l' => TarEntryType.SymbolicLink,
            '-' => TarEntryType.RegularFile,
            'h' => TarEntryType.HardLink,
            'p' => TarEntryType.Fifo,
            'c' => TarEntryType.CharacterDevice,
            'b' => TarEntryType.BlockDevice,
            _ => TarEntryType.ExtendedAttributes,
        };
        // "perms owner/group size date time": the size is the third field.
        var fields = line[..quote].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        entry = new TarListingEntry(type, ModeOf(line.AsSpan(1, 9)), size, name, target);
        return true;
    }

    /// <summary><c>rwxr-sr-t</c> → the permission bits with setuid, setgid and sticky.</summary>
    private static int ModeOf(ReadOnlySpan<char> text)
    {
        var mode = 0;
        for (var i = 0; i < 9; i++)
        {
            var c = text[i];
            var bit = 1 << (8 - i);
            if (c is 'r' or 'w' or 'x' or 's' or 't')
            {
                mode |= bit;
            }

            if (i == 2 && c is 's' or 'S')
            {
                mode |= 0x800;
            }
            else if (i == 5 && c is 's' or 'S')
            {
                mode |= 0x400;
            }
            else if (i == 8 && c is 't' or 'T')
            {
                mode |= 0x200;
            }
        }

        return mode;
    }

    /// <summary>A C-quoted string starting at <paramref name="position"/> (its opening quote); the position ends after the closing quote.</summary>
    private static bool TryReadQuoted(string line, ref int position, out string text)
    {
        text = "";
        var bytes = new List<byte>();
        var i = position + 1;
        while (i < line.Length && line[i] != '"')
        {
            if (line[i] != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(line[i].ToString()));
                i++;
                continue;
            }

            if (++i >= line.Length)
            {
                return false;
            }

            var c = line[i];
            if (c is >= '0' and <= '7')
            {
                var end = i;
                while (end < line.Length && end < i + 3 && line[end] is >= '0' and <= '7')
                {
                    end++;
                }

                bytes.Add((byte)int.Parse(line.AsSpan(i, end - i), NumberStyles.None, CultureInfo.InvariantCulture) is var value && value <= 255 ? (byte)value : (byte)0);
                i = end;
                continue;
            }

            bytes.Add(c switch
            {
                'n' => (byte)'\n',
                't' => (byte)'\t',
                'r' => (byte)'\r',
                'a' => 7,
                'b' => 8,
                'f' => 12,
                'v' => 11,
                _ => (byte)c,
            });
            i++;
        }

        if (i >= line.Length)
        {
            return false;
        }

        position = i + 1;
        text = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }
}
