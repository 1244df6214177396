using System.Text.Json;
using System.Text.Json.Serialization;

namespace Installatron.Core.Sites;

/// <summary>
/// A <see cref="ManifestEntry"/> as JSON, written and read in one call each: the same object the generated serializer
/// wrote (snake_case names, null members left out), without its per-property bookkeeping, which made a 60,000-entry
/// backup document cost a third of a second to write. Unknown members are skipped; a member of the wrong kind is a
/// <see cref="JsonException"/>, as with the generated serializer.
/// </summary>
internal sealed class ManifestEntryJsonConverter : JsonConverter<ManifestEntry>
{
    private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText SizeName = JsonEncodedText.Encode("size");
    private static readonly JsonEncodedText ModeName = JsonEncodedText.Encode("mode");
    private static readonly JsonEncodedText Sha256Name = JsonEncodedText.Encode("sha256");
    private static readonly JsonEncodedText LinkTargetName = JsonEncodedText.Encode("link_target");
    private static readonly JsonEncodedText MtimeName = JsonEncodedText.Encode("mtime");

    public override void Write(Utf8JsonWriter writer, ManifestEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteUnlessNull(writer, PathName, value.Path);
        WriteUnlessNull(writer, TypeName, value.Type);
        writer.WriteNumber(SizeName, value.Size);
        writer.WriteNumber(ModeName, value.Mode);
        WriteUnlessNull(writer, Sha256Name, value.Sha256);
        WriteUnlessNull(writer, LinkTargetName, value.LinkTarget);
        if (value.Mtime is { } mtime)
        {
            writer.WriteNumber(MtimeName, mtime);
        }

        writer.WriteEndObject();
    }

    public override ManifestEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A manifest entry must be a JSON object.");
        }

        string? path = null, type = null, sha256 = null, linkTarget = null;
        long size = 0;
        var mode = 0;
        long? mtime = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(PathName.EncodedUtf8Bytes))
            {
                path = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals(TypeName.EncodedUtf8Bytes))
            {
                type = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals(SizeName.EncodedUtf8Bytes))
            {
                size = ReadNumber(ref reader) ?? throw new JsonException("A manifest entry's size cannot be null.");
            }
            else if (reader.ValueTextEquals(ModeName.EncodedUtf8Bytes))
            {
                var read = ReadNumber(ref reader) ?? throw new JsonException("A manifest entry's mode cannot be null.");
                mode = read is >= int.MinValue and <= int.MaxValue ? (int)read : throw new JsonException("A manifest entry's mode is out of range.");
            }
            else if (reader.ValueTextEquals(Sha256Name.EncodedUtf8Bytes))
            {
                sha256 = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals(LinkTargetName.EncodedUtf8Bytes))
            {
                linkTarget = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals(MtimeName.EncodedUtf8Bytes))
            {
                mtime = ReadNumber(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject
            ? new ManifestEntry(path!, type!, size, mode, sha256!, linkTarget) { Mtime = mtime }
            : throw new JsonException("A manifest entry is not a complete JSON object.");
    }

    private static void WriteUnlessNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"A manifest entry's text member holds a {reader.TokenType}."),
        };
    }

    private static long? ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out var number) => number,
            JsonTokenType.Null => null,
            _ => throw new JsonException($"A manifest entry's number member holds a {reader.TokenType} that is not a whole number."),
        };
    }
}
