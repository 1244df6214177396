using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// A hosting account's home folder as it really is on disk, and the paths inside it that an install may use (its
/// site, its backups, its staging folder). Every path is resolved with all symbolic links followed and must stay
/// inside the home's real path: a link in an account's own folders can never lead the engine into another
/// account's files or the system's. The engine then works on the resolved path, never through the link. On a remote
/// server the real paths are the server's own (SFTP <c>realpath</c>).
/// </summary>
public sealed class AccountFolder
{
    private readonly ISiteFileSystem _files;

    private AccountFolder(ISiteFileSystem files, string home)
    {
        _files = files;
        Home = home;
    }

    /// <summary>The real path of the home folder.</summary>
    public string Home { get; }

    /// <summary>The account's home; refused when it is not set, not absolute or does not exist.</summary>
    public static AccountFolder Open(string home) => Open(LocalSiteFileSystem.Instance, home);

    /// <inheritdoc cref="Open(string)"/>
    public static AccountFolder Open(ISiteFileSystem files, string home)
    {
        if (home.Length == 0 || !Path.IsPathFullyQualified(home))
        {
            throw new UnsafePathException("The account has no home folder (an absolute path) to keep its sites in; set 'home' on the user.");
        }

        var real = files.RealPath(home);
        return files.Stat(real).Kind == EntryKind.Directory
            ? new AccountFolder(files, real)
            : throw new UnsafePathException($"The account's home folder {files.Describe(home)} does not exist.");
    }

    /// <summary>
    /// The real path of <paramref name="path"/> (absolute, or relative to the home), which must be the home or lie
    /// inside it once every link on the way is followed; <paramref name="what"/> names it in the refusal.
    /// </summary>
    public string Resolve(string path, string what)
    {
        var real = _files.RealPath(Path.IsPathFullyQualified(path) ? path : Path.Join(Home, path));
        return SitePaths.IsSameOrUnder(real, Home)
            ? real
            : throw new UnsafePathException($"{what} {path} leads outside the account's home folder {Home} (it is really {real}).");
    }
}
