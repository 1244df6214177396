using System.IO.Compression;
using System.Security.Cryptography;

namespace Installatron.Core.Catalog;

/// <summary>
/// Checks a downloaded release zip against the checksums its source publishes, file by file, streaming each entry
/// (nothing is unpacked to disk): every listed file present with its checksum, and no file the list does not hold.
/// </summary>
public static class ReleaseChecks
{
    /// <summary>Files whose content WordPress.org's plugin checksums may not match (WP-CLI's "soft" files).</summary>
    private static readonly HashSet<string> SoftPluginFiles = new(["readme.txt", "readme.md"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A core release (entries under one top folder such as <c>wordpress/</c>, or at the zip's root) against the core
    /// checksums' md5 per path; the problems found, empty when it matches.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CoreAsync(string zipPath, IReadOnlyDictionary<string, string> md5ByPath, CancellationToken cancellationToken)
    {
        var expected = md5ByPath.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value], StringComparer.Ordinal);
        return await CheckAsync(zipPath, folder: null, expected, HashAlgorithmName.MD5, soft: new HashSet<string>(), cancellationToken);
    }

    /// <summary>A plugin release (entries under <c>{slug}/</c>) against its per-file checksums (SHA-256 where given, else md5).</summary>
    public static async Task<IReadOnlyList<string>> PluginAsync(
        string zipPath, string slug, IReadOnlyDictionary<string, FileHashes> files, CancellationToken cancellationToken)
    {
        var useSha256 = files.Values.All(f => f.Sha256.Count > 0);
        var expected = files.ToDictionary(f => f.Key, f => useSha256 ? f.Value.Sha256 : f.Value.Md5, StringComparer.Ordinal);
        return await CheckAsync(zipPath, slug + "/", expected, useSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.MD5, SoftPluginFiles, cancellationToken);
    }

    /// <summary>The lowercase hex SHA-1 of a file (what a release's <c>.sha1</c> file holds).</summary>
    public static async Task<string> Sha1Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(stream, cancellationToken));
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(
        string zipPath, string? folder, IReadOnlyDictionary<string, IReadOnlyList<string>> expected, HashAlgorithmName algorithm,
        IReadOnlySet<string> soft, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        ZipArchive zip;
        try
        {
            zip = await ZipFile.OpenReadAsync(zipPath, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return [$"the download is not a zip file ({e.Message})"];
        }

        await using (zip)
        {
            var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var root = folder ?? SingleTopFolder(files);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = entry.FullName.Replace('\\', '/');
                if (!name.StartsWith(root, StringComparison.Ordinal))
                {
                    problems.Add($"'{entry.FullName}' is outside the release's folder '{root}'");
                    continue;
                }

                var path = name[root.Length..];
                if (!expected.TryGetValue(path, out var accepted))
                {
                    problems.Add($"'{path}' is not in the release's checksums");
                    continue;
                }

                seen.Add(path);
                await using var content = await entry.OpenAsync(cancellationToken);
                var actual = Convert.ToHexStringLower(await HashAsync(algorithm, content, cancellationToken));
                if (!accepted.Contains(actual) && !soft.Contains(Path.GetFileName(path)))
                {
                    problems.Add($"'{path}' does not match its checksum ({algorithm.Name} {actual})");
                }
            }

            problems.AddRange(expected.Keys.Where(p => !seen.Contains(p)).Order(StringComparer.Ordinal).Select(p => $"'{p}' is missing"));
        }

        return problems;
    }

    /// <summary>"wordpress/" when every file sits under that one folder (wordpress.org's layout); "" otherwise.</summary>
    private static string SingleTopFolder(IReadOnlyList<ZipArchiveEntry> files)
    {
        var tops = files.Select(e => e.FullName.Replace('\\', '/')).Select(n => n.IndexOf('/') is var slash and > 0 ? n[..(slash + 1)] : "").Distinct().ToList();
        return tops is [{ Length: > 0 } top] ? top : "";
    }

    private static async Task<byte[]> HashAsync(HashAlgorithmName algorithm, Stream content, CancellationToken cancellationToken) =>
        algorithm == HashAlgorithmName.SHA256
            ? await SHA256.HashDataAsync(content, cancellationToken)
            // WordPress.org publishes core checksums as md5 only: they are compared, not relied on for secrecy.
            : await MD5.HashDataAsync(content, cancellationToken);
}
