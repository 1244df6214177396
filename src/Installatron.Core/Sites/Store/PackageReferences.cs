namespace Installatron.Core.Sites.Store;

/// <summary>
/// The contents a backup takes from the installed version's package instead of storing them: the package's index
/// (content SHA-256 → its entry; none when the package is not known) and the contents found in it so far.
/// </summary>
internal sealed class PackageReferences(IReadOnlyDictionary<string, string>? index)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>The contents taken from the package and their entries, in ordinal order of the SHA-256 (as the document lists them).</summary>
    public IReadOnlyDictionary<string, string> Used()
    {
        var hashes = _used.ToArray();
        Array.Sort(hashes, StringComparer.Ordinal);
        var used = new Dictionary<string, string>(hashes.Length, StringComparer.Ordinal);
        foreach (var sha256 in hashes)
        {
            used.Add(sha256, index![sha256]);
        }

        return used;
    }

    /// <summary>Whether the package holds this content, without referencing it.</summary>
    public bool Knows(string sha256) => index?.ContainsKey(sha256) == true;

    /// <summary>Whether the package holds this content (then it is referenced).</summary>
    public bool Holds(string sha256)
    {
        if (index?.ContainsKey(sha256) != true)
        {
            return false;
        }

        _used.Add(sha256);
        return true;
    }
}
