namespace Installatron.Core.Domain;

/// <summary>
/// How a site's core files compare with a release's checksums. <paramref name="Modified"/>: a release file whose content
/// differs (or a symbolic link or folder in its place); <paramref name="Missing"/>: a release file that is not there;
/// <paramref name="Injected"/>: a file in a core folder the release does not ship. Each list is sorted and holds at most
/// <c>Sites.CoreIntegrity.MaxListed</c> paths (<paramref name="Truncated"/> when more were found).
/// </summary>
public sealed record CoreIntegrityReport(
    string Version, int Checked, IReadOnlyList<string> Modified, IReadOnlyList<string> Missing, IReadOnlyList<string> Injected, bool Truncated)
{
    public bool Clean => Modified.Count == 0 && Missing.Count == 0 && Injected.Count == 0;
}
