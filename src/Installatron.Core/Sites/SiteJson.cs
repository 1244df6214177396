using System.Text.Json.Serialization;
using Installatron.Core.Sites.Store;

namespace Installatron.Core.Sites;

/// <summary>
/// The JSON of manifests, backup documents and package indexes, generated at build time: a backup or restore in a fresh
/// worker process does not first build these types' serializers by reflection.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SiteManifest))]
[JsonSerializable(typeof(StoredBackup))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SiteJson : JsonSerializerContext
{
}
