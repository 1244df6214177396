using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// SHA-256 of a site's files, computed where the files are: with a shell on the site's host, one <c>sha256sum</c> run
/// over every file a step needs (as rclone does), so contents do not cross the network; otherwise each file is read
/// and hashed here when it is asked for.
/// </summary>
internal sealed class RemoteHashes
{
    private readonly ISiteFileSystem _files;
    private readonly Dictionary<string, string> _known;

    private RemoteHashes(ISiteFileSystem files, Dictionary<string, string> known)
    {
        _files = files;
        _known = known;
    }

    /// <summary>Hashes <paramref name="relativePaths"/> under <paramref name="root"/> in one batch when <paramref name="files"/> has a shell.</summary>
    public static async Task<RemoteHashes> ForAsync(ISiteFileSystem files, string root, IEnumerable<string> relativePaths, CancellationToken cancellationToken)
    {
        var paths = files.Shell is { } shell && shell.Tools.Contains("sha256sum") && shell.Tools.Contains("xargs") ? relativePaths.ToList() : [];
        return new RemoteHashes(files, paths.Count == 0 ? new Dictionary<string, string>(StringComparer.Ordinal)
            : await Sha256AllAsync(files.Shell!, root, paths, cancellationToken));
    }

    /// <summary>The SHA-256 of every readable regular file of <paramref name="relativePaths"/> under <paramref name="root"/>, by relative path.</summary>
    public static Task<Dictionary<string, string>> Sha256AllAsync(
        IRemoteShell shell, string root, IReadOnlyList<string> relativePaths, CancellationToken cancellationToken) =>
        HashAllAsync(shell, root, relativePaths, "sha256sum", 64, cancellationToken);

    /// <summary>
    /// Runs <paramref name="tool"/> (a coreutils <c>*sum</c> whose digests have <paramref name="hexLength"/> hex digits) over
    /// <paramref name="relativePaths"/> under <paramref name="root"/> in one batch; files it cannot read are left out (the
    /// caller then reads them itself and meets the real error).
    /// </summary>
    public static async Task<Dictionary<string, string>> HashAllAsync(
        IRemoteShell shell, string root, IReadOnlyList<string> relativePaths, string tool, int hexLength, CancellationToken cancellationToken)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (relativePaths.Count == 0)
        {
            return hashes;
        }

        using var input = ShellText.NulSeparated(relativePaths.Select(p => "./" + p));
        // Batches of files hashed side by side, as many as the host has processors; each batch writes a file of its
        // own (records of processes sharing one pipe could interleave), then all are read in one go.
        var script = $$"""
            cd -- {{ShellText.Quote(root)}} || exit 0
            out=$(mktemp -d 2>/dev/null) || { xargs -0 -r {{tool}} -z -- ; exit 0; }
            xargs -0 -r -n 256 -P "$(nproc 2>/dev/null || echo 1)" sh -c 'exec {{tool}} -z -- "$@" > "$0/$$"' "$out"
            cat "$out"/* 2>/dev/null
            rm -rf -- "$out"
            exit 0
            """;
        var result = await shell.RunAsync(script, input, cancellationToken);
        foreach (var record in ShellText.SplitNul(result.Output))
        {
            // "<hex digest><space><space or *>./<path>"
            if (record.Length > hexLength + 4 && record[hexLength] == ' ' && record.AsSpan(hexLength + 2, 2).SequenceEqual("./"))
            {
                hashes[record[(hexLength + 4)..]] = record[..hexLength];
            }
        }

        return hashes;
    }

    /// <summary>The hash of one file: from the batch when it holds it, else read through the seam.</summary>
    public async Task<string> Sha256Async(string relativePath, string fullPath, CancellationToken cancellationToken) =>
        _known.TryGetValue(relativePath, out var sha256) ? sha256 : await SiteFiles.Sha256Async(_files, fullPath, cancellationToken);
}
