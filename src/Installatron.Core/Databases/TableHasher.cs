using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Domain;

namespace Installatron.Core.Databases;

/// <summary>
/// The canonical encoding of a table, hashed with SHA-256: the text <c>installatron-table/1</c>, the table's
/// <see cref="TableSchema.CanonicalCreateStatement"/>, then every value of every row in dump order. Each piece is a tag
/// byte and, except for NULL (<c>N</c>), a 64-bit little-endian byte length and the bytes: <c>I</c> integer (decimal
/// text), <c>D</c> decimal (server text), <c>F</c> float (shortest round-trip text), <c>T</c> temporal (server text),
/// <c>S</c> text (UTF-8), <c>B</c> binary (raw bytes), <c>C</c> the CREATE statement (UTF-8).
/// </summary>
internal sealed class TableHasher : IDisposable
{
    private static readonly byte[] Prefix = "installatron-table/1"u8.ToArray();
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly string _table;

    public TableHasher(string table, string canonicalCreateStatement, IReadOnlyList<TableColumn> columns)
    {
        _table = table;
        _columns = columns;
        _hash.AppendData(Prefix);
        Append((byte)'C', Encoding.UTF8.GetBytes(canonicalCreateStatement));
    }

    public long Rows { get; private set; }

    /// <summary>One row: values as <see cref="TableReader"/> and <see cref="TableDumpReader"/> give them.</summary>
    public void AppendRow(object?[] values)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                _hash.AppendData("N"u8);
                continue;
            }

            switch (_columns[i].Kind)
            {
                case ColumnKind.Integer:
                    Append((byte)'I', Encoding.ASCII.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture)!));
                    break;
                case ColumnKind.Binary:
                    Append((byte)'B', (byte[])value);
                    break;
                default:
                    Append(Tag(_columns[i].Kind), Encoding.UTF8.GetBytes((string)value));
                    break;
            }
        }

        Rows++;
    }

    public TableChecksum Finish() => new(_table, Rows, Convert.ToHexStringLower(_hash.GetHashAndReset()));

    public void Dispose() => _hash.Dispose();

    private static byte Tag(ColumnKind kind) => kind switch
    {
        ColumnKind.Decimal => (byte)'D',
        ColumnKind.Float => (byte)'F',
        ColumnKind.Temporal => (byte)'T',
        _ => (byte)'S',
    };

    private void Append(byte tag, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(header[1..], data.Length);
        _hash.AppendData(header);
        _hash.AppendData(data);
    }
}
