using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Installatron.Core.Domain;

namespace Installatron.Core.Databases;

/// <summary>
/// The dump format: UTF-8 JSON Lines. The first line is <c>{"format":"installatron-table-dump","version":1}</c>; then,
/// for each table, a header <c>{"table":…,"create":…,"columns":[{"name":…,"kind":…},…]}</c>, one JSON array per row
/// (values in column order: <c>null</c>; a number for <c>integer</c>; a string for <c>decimal</c>, <c>float</c>,
/// <c>temporal</c> and <c>text</c>; base64 for <c>binary</c>), and a trailer <c>{"end":…,"rows":…,"sha256":…}</c>; the
/// last line is <c>{"complete":true,"tables":N}</c>, so a truncated dump is detected.
/// </summary>
internal static class TableDumpFormat
{
    public const string Format = "installatron-table-dump";
    public const int Version = 1;
}

/// <summary>Writes the dump format to a stream, one line at a time.</summary>
internal sealed class TableDumpWriter(Stream output)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Utf8JsonWriter? _json;

    public Task WriteStartAsync(CancellationToken cancellationToken) => WriteLineAsync(json =>
    {
        json.WriteStartObject();
        json.WriteString("format", TableDumpFormat.Format);
        json.WriteNumber("version", TableDumpFormat.Version);
        json.WriteEndObject();
    }, cancellationToken);

    public Task WriteTableStartAsync(TableSchema schema, CancellationToken cancellationToken) => WriteLineAsync(json =>
    {
        json.WriteStartObject();
        json.WriteString("table", schema.Name);
        json.WriteString("create", schema.CreateStatement);
        json.WriteStartArray("columns");
        foreach (var column in schema.Columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteString("kind", TableColumn.KindName(column.Kind));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }, cancellationToken);

    public Task WriteRowAsync(IReadOnlyList<TableColumn> columns, object?[] values, CancellationToken cancellationToken) => WriteLineAsync(json =>
    {
        json.WriteStartArray();
        for (var i = 0; i < columns.Count; i++)
        {
            switch (values[i])
            {
                case null:
                    json.WriteNullValue();
                    break;
                case long signed:
                    json.WriteNumberValue(signed);
                    break;
                case ulong unsigned:
                    json.WriteNumberValue(unsigned);
                    break;
                case byte[] bytes:
                    json.WriteBase64StringValue(bytes);
                    break;
                case string text:
                    json.WriteStringValue(text);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected value of type {values[i]!.GetType().Name}.");
            }
        }

        json.WriteEndArray();
    }, cancellationToken);

    public Task WriteTableEndAsync(TableChecksum checksum, CancellationToken cancellationToken) => WriteLineAsync(json =>
    {
        json.WriteStartObject();
        json.WriteString("end", checksum.Table);
        json.WriteNumber("rows", checksum.Rows);
        json.WriteString("sha256", checksum.Sha256);
        json.WriteEndObject();
    }, cancellationToken);

    public async Task WriteEndAsync(int tables, CancellationToken cancellationToken)
    {
        await WriteLineAsync(json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("complete", true);
            json.WriteNumber("tables", tables);
            json.WriteEndObject();
        }, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private async Task WriteLineAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        if (_json is null)
        {
            // Relaxed escaping keeps text (backticks, quotes in SQL, emoji) readable; the dump is never embedded in HTML.
            _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        else
        {
            _json.Reset(_buffer);
        }

        write(_json);
        _json.Flush();
        _buffer.Write("\n"u8);
        await output.WriteAsync(_buffer.WrittenMemory, cancellationToken);
    }
}

/// <summary>A table's header in a dump.</summary>
internal sealed record DumpedTable(string Name, string CreateStatement, IReadOnlyList<TableColumn> Columns);

/// <summary>
/// Reads the dump format, checking its structure and, for every table, that its rows hash to its trailer's checksum.
/// Use: <see cref="ReadStartAsync"/>, then <see cref="ReadTableAsync"/> until it answers null; for each table
/// <see cref="ReadRowAsync"/> until it answers null, then <see cref="EndOfTable"/>.
/// </summary>
internal sealed class TableDumpReader(Stream input) : IDisposable
{
    private readonly StreamReader _reader = new(input, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
    private readonly List<TableChecksum> _tables = [];
    private DumpedTable? _table;
    private TableHasher? _hasher;
    private object?[] _values = [];
    private long _line;

    public IReadOnlyList<TableChecksum> Tables => _tables;

    /// <summary>The checksum the current table's trailer states (and its rows matched), once <see cref="ReadRowAsync"/> answered null.</summary>
    public TableChecksum? EndOfTable { get; private set; }

    public async Task ReadStartAsync(CancellationToken cancellationToken)
    {
        using var start = await ReadJsonAsync(cancellationToken) ?? throw Invalid("the dump is empty");
        var root = start.RootElement;
        if (root.ValueKind != JsonValueKind.Object ||
            !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != TableDumpFormat.Format ||
            !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != TableDumpFormat.Version)
        {
            throw Invalid($"the first line is not {TableDumpFormat.Format} version {TableDumpFormat.Version}");
        }
    }

    /// <summary>The next table's header, or null at the end of a complete dump.</summary>
    public async Task<DumpedTable?> ReadTableAsync(CancellationToken cancellationToken)
    {
        if (_table is not null)
        {
            throw new InvalidOperationException("The current table's rows were not read to their end.");
        }

        using var document = await ReadJsonAsync(cancellationToken) ?? throw Invalid("the dump is truncated (no completion line)");
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("complete", out var complete))
        {
            if (complete.ValueKind != JsonValueKind.True || !root.TryGetProperty("tables", out var count) || count.GetInt32() != _tables.Count)
            {
                throw Invalid($"the completion line does not state {_tables.Count} tables");
            }

            if (await ReadJsonAsync(cancellationToken) is { } extra)
            {
                extra.Dispose();
                throw Invalid("there is data after the completion line");
            }

            return null;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("table", out var name) || !root.TryGetProperty("create", out var create) ||
            !root.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("expected a table header");
        }

        var list = new List<TableColumn>();
        foreach (var column in columns.EnumerateArray())
        {
            var kind = TableColumn.ParseKind(column.GetProperty("kind").GetString() ?? "");
            list.Add(new TableColumn(column.GetProperty("name").GetString() ?? throw Invalid("a column has no name"), kind, ""));
        }

        _table = new DumpedTable(name.GetString() ?? throw Invalid("a table has no name"), create.GetString() ?? throw Invalid("a table has no CREATE statement"), list);
        if (!_table.CreateStatement.StartsWith($"CREATE TABLE {Sql.Quote(_table.Name)} (", StringComparison.Ordinal))
        {
            throw Invalid($"the statement of table '{_table.Name}' is not its CREATE TABLE");
        }

        var schema = new TableSchema(_table.Name, _table.CreateStatement, list, []);
        _hasher = new TableHasher(_table.Name, schema.CanonicalCreateStatement, list);
        _values = new object?[list.Count];
        EndOfTable = null;
        return _table;
    }

    /// <summary>The next row of the current table (the array is reused), or null after its trailer, which is then checked.</summary>
    public async Task<object?[]?> ReadRowAsync(CancellationToken cancellationToken)
    {
        var table = _table ?? throw new InvalidOperationException("No table is being read.");
        using var document = await ReadJsonAsync(cancellationToken) ?? throw Invalid($"the dump ends inside table '{table.Name}'");
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            if (root.GetArrayLength() != table.Columns.Count)
            {
                throw Invalid($"a row of table '{table.Name}' has {root.GetArrayLength()} values for {table.Columns.Count} columns");
            }

            var i = 0;
            foreach (var value in root.EnumerateArray())
            {
                _values[i] = Decode(table.Columns[i], value);
                i++;
            }

            _hasher!.AppendRow(_values);
            return _values;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("end", out var end) || end.GetString() != table.Name)
        {
            throw Invalid($"expected a row or the end of table '{table.Name}'");
        }

        var actual = _hasher!.Finish();
        _hasher.Dispose();
        var stated = new TableChecksum(table.Name, root.GetProperty("rows").GetInt64(), root.GetProperty("sha256").GetString() ?? "");
        if (stated != actual)
        {
            throw new DatabaseException(
                DatabaseErrors.Dump,
                $"The dump of table '{table.Name}' is corrupt: it states {stated.Rows} rows with SHA-256 {stated.Sha256}, its rows are {actual.Rows} with SHA-256 {actual.Sha256}.");
        }

        _tables.Add(actual);
        EndOfTable = actual;
        _table = null;
        _hasher = null;
        return null;
    }

    public void Dispose()
    {
        _hasher?.Dispose();
        _reader.Dispose();
    }

    private object? Decode(TableColumn column, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return column.Kind switch
            {
                ColumnKind.Integer when value.TryGetInt64(out var signed) => signed,
                ColumnKind.Integer => value.GetUInt64(),
                ColumnKind.Binary => value.GetBytesFromBase64(),
                _ => value.GetString(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Invalid($"the value of column '{column.Name}' is not a {TableColumn.KindName(column.Kind)}");
        }
    }

    private async Task<JsonDocument?> ReadJsonAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("it is not UTF-8");
        }

        if (line is null)
        {
            return null;
        }

        _line++;
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw Invalid("a line is not JSON");
        }
    }

    private DatabaseException Invalid(string problem) => new(DatabaseErrors.Dump, $"The database dump is invalid at line {_line}: {problem}.");
}
