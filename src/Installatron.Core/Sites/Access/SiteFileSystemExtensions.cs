using System.Text;

namespace Installatron.Core.Sites.Access;

/// <summary>Small compositions of the seam's operations.</summary>
public static class SiteFileSystemExtensions
{
    /// <summary>Creates <paramref name="path"/> and every missing folder above it (mkdir -p); a folder there is kept.</summary>
    public static void CreateDirectories(this ISiteFileSystem files, string path)
    {
        if (files is LocalSiteFileSystem)
        {
            Directory.CreateDirectory(path);
            return;
        }

        var missing = new Stack<string>();
        for (var current = path; !string.IsNullOrEmpty(current) && files.Stat(current).Kind == EntryKind.Missing; current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var folder))
        {
            files.CreateDirectory(folder);
        }
    }

    /// <summary>True when a regular file (or, through a link, what it leads to) is at <paramref name="path"/>, as File.Exists says.</summary>
    public static bool FileExists(this ISiteFileSystem files, string path) => files.Stat(path).Kind switch
    {
        EntryKind.File => true,
        EntryKind.Symlink => files.Stat(files.RealPath(path)).Kind == EntryKind.File,
        _ => false,
    };

    /// <summary>True when a folder (or, through a link, what it leads to) is at <paramref name="path"/>, as Directory.Exists says.</summary>
    public static bool DirectoryExists(this ISiteFileSystem files, string path) => files.Stat(path).Kind switch
    {
        EntryKind.Directory => true,
        EntryKind.Symlink => files.Stat(files.RealPath(path)).Kind == EntryKind.Directory,
        _ => false,
    };

    /// <summary>Writes a small new text file (fails when anything is there).</summary>
    public static async Task WriteNewTextAsync(this ISiteFileSystem files, string path, string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await files.WriteNewAsync(path, content, cancellationToken);
    }

    /// <summary>Removes whatever is at <paramref name="path"/>, a folder with everything in it; links are removed, never followed.</summary>
    public static bool DeleteTree(this ISiteFileSystem files, string path) => SiteWriter.DeleteAny(files, path);
}
