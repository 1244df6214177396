namespace Installatron.Core.Sites.Store;

/// <summary>
/// The contents a backup takes from the installed version's package instead of storing them: the package's index
/// (content SHA-256 → its entry; none when the package is not known) and the contents found in it so far.
/// </summary>
internal sealed class PackageReferences(IReadOnlyDictionary<string, string>? index)
{
    public SortedDictionary<string, string> Used { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the package holds this content, without referencing it.</summary>
    public bool Knows(string sha256) => index?.ContainsKey(sha256) == true;

    /// <summary>Whether the package holds this content (then it is referenced).</summary>
    public bool Holds(string sha256)
    {
        if (index?.TryGetValue(sha256, out var entry) != true)
        {
            return false;
        }

        Used[sha256] = entry!;
        return true;
    }
}
