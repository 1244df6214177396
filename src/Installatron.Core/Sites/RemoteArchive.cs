using System.Formats.Tar;
using System.Text;
using Installatron.Core.Sites.Access;

namespace Installatron.Core.Sites;

/// <summary>
/// The backup archive built and verified on the site's own host through its shell (GNU tar, gzip, sha256sum, find):
/// the site's bytes never cross the network, only the listing, the hashes and the manifest do. The archive has the
/// format <see cref="SiteBackup"/> writes (<c>site/…</c> in ordinal order, <c>database/…</c>, the manifest last;
/// PAX, gzip level 1) and verification applies the same rules to the same facts; the only difference is that the
/// files are hashed just before they are archived instead of while, so a file changed in between fails the
/// verification (and the step, which is retried) instead of being caught on the way.
/// </summary>
internal static class RemoteArchive
{
    private static readonly string[] Needed = ["gnu-tar", "gzip", "sha256sum", "find", "xargs", "cat"];

    public static bool IsAvailable(IRemoteShell shell) => Needed.All(shell.Tools.Contains);

    /// <summary>Writes the archive to <paramref name="partial"/> on the host; false (nothing written) when the site holds entries GNU tar would archive in another way (FIFOs, devices).</summary>
    public static async Task<bool> WriteAsync(IRemoteShell shell, ISiteFileSystem files, string root, IReadOnlyList<string> excludes, string partial,
        IReadOnlyList<BackupAttachment> attachments, CancellationToken cancellationToken)
    {
        var items = await RemoteListing.ListAsync(shell, root, excludes, cancellationToken);
        if (items is null)
        {
            return false;
        }

        var hashes = await RemoteHashes.Sha256AllAsync(shell, root, items.Where(i => i.Type == 'f' && i.Size > 0).Select(i => i.Path).ToList(), cancellationToken);
        var entries = new List<ManifestEntry>(items.Count);
        foreach (var item in items)
        {
            switch (item.Type)
            {
                case 'd':
                    entries.Add(new ManifestEntry(item.Path, ManifestEntryTypes.Directory, 0, item.Mode, "", null));
                    break;
                case 'l':
                    entries.Add(new ManifestEntry(item.Path, ManifestEntryTypes.Symlink, 0, FileModes.Symlink, "", item.LinkTarget));
                    break;
                case 'f' when item.Size == 0:
                    entries.Add(new ManifestEntry(item.Path, ManifestEntryTypes.File, 0, item.Mode, SiteFiles.EmptySha256, null));
                    break;
                default:
                    if (hashes.TryGetValue(item.Path, out var sha256))
                    {
                        entries.Add(new ManifestEntry(item.Path, ManifestEntryTypes.File, item.Size, item.Mode, sha256, null));
                    }
                    else if (files.Stat(Path.Join(root, item.Path)).Kind != EntryKind.Missing)
                    {
                        throw new UnauthorizedAccessException($"'{files.Describe(Path.Join(root, item.Path))}' cannot be read.");
                    }

                    // Vanished since the listing: left out of the archive and the manifest, as the streaming backup does.
                    break;
            }
        }

        var work = partial + ".work";
        files.DeleteTree(work);
        try
        {
            files.CreateDirectories(Path.Join(work, "database"));
            files.CreateDirectory(Path.Join(work, ".installatron"));
            var stored = new List<ManifestAttachment>();
            foreach (var attachment in attachments)
            {
                await using var source = SiteFiles.OpenRead(attachment.SourcePath);
                var (sha256, length) = await files.WriteNewAsync(Path.Join(work, SiteBackup.AttachmentPrefix + attachment.Name), source, cancellationToken);
                stored.Add(new ManifestAttachment(attachment.Name, length, sha256, attachment.Tables));
            }

            var manifest = SiteManifest.Create(excludes, entries) with { Attachments = stored.Count == 0 ? null : stored };
            using (var text = new MemoryStream())
            {
                await manifest.WriteAsync(text, cancellationToken);
                text.Position = 0;
                await files.WriteNewAsync(Path.Join(work, SiteBackup.ManifestEntryName), text, cancellationToken);
            }

            using (var siteList = ShellText.NulSeparated(entries.Select(e => "./" + e.Path)))
            {
                await files.WriteNewAsync(Path.Join(work, "site.list"), siteList, cancellationToken);
            }

            using (var workList = ShellText.NulSeparated(stored.Select(a => SiteBackup.AttachmentPrefix + a.Name).Append(SiteBackup.ManifestEntryName)))
            {
                await files.WriteNewAsync(Path.Join(work, "work.list"), workList, cancellationToken);
            }

            // noclobber: the archive is created with O_EXCL, never through a link; tar's status 1 (a file changed while
            // read) is left to the verification that follows.
            var script = $"""
                set -C
                exec 3>{ShellText.Quote(partial)} || exit 90
                tar --format=pax --null --no-recursion --hard-dereference --numeric-owner -I 'gzip -1' -cf - --transform 's,^\./,{SiteBackup.SiteEntryPrefix},S' -C {ShellText.Quote(root)} -T {ShellText.Quote(Path.Join(work, "site.list"))} -C {ShellText.Quote(work)} -T {ShellText.Quote(Path.Join(work, "work.list"))} >&3
                status=$?
                exec 3>&-
                [ $status -le 1 ] || exit $status
                """;
            var result = await shell.RunAsync(script, null, cancellationToken);
            if (!result.Succeeded)
            {
                throw new IOException($"tar on {files.Describe(root)} failed ({result.ExitStatus}): {result.Error.Trim()}");
            }

            return true;
        }
        finally
        {
            files.DeleteTree(work);
        }
    }

    /// <summary>
    /// Reads the archive on the host: its SHA-256, and in one pass the listing (type, mode, size, name, link target of
    /// every entry, in order) and the content, unpacked into a scratch folder beside it, hashed there with one
    /// <c>sha256sum</c> batch, the folder removed afterwards.
    /// </summary>
    public static async Task<(SiteManifest? Manifest, string? ManifestSha256, string? ArchiveSha256)> ReadAsync(
        IRemoteShell shell, ISiteFileSystem files, string archivePath, Action<ManifestEntry> onSiteEntry, List<string> problems,
        CancellationToken cancellationToken, Action<ManifestAttachment>? onAttachment = null)
    {
        var archive = ShellText.Quote(archivePath);
        var scratch = archivePath + ".verify";
        var quotedScratch = ShellText.Quote(scratch);
        try
        {
            // One pass unpacks the archive and lists it: tar -xvv prints the same long listing as tar -tv.
            var archiveHash = shell.RunAsync($"sha256sum < {archive} | cut -c1-64", null, cancellationToken);
            var listing = shell.RunAsync(
                $"rm -rf -- {quotedScratch} && mkdir -- {quotedScratch} && tar -xvvzf {archive} -C {quotedScratch} --quoting-style=c --numeric-owner --full-time",
                null, cancellationToken);
            await Task.WhenAll(archiveHash, listing);
            if (!listing.Result.Succeeded)
            {
                problems.Add($"the archive cannot be read: {listing.Result.Error.Trim()}");
                problems.Add($"the archive holds no valid manifest ({SiteBackup.ManifestEntryName} as its last entry)");
                return (null, null, null);
            }

            var entries = new List<TarListingEntry>();
            foreach (var line in Encoding.UTF8.GetString(listing.Result.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (IsImplicitDirectory(line))
                {
                    continue;
                }

                if (!TarListing.TryParse(line, out var entry))
                {
                    problems.Add($"the archive's listing cannot be read at '{line}'");
                    break;
                }

                entries.Add(entry);
            }

            var hashes = await RemoteHashes.Sha256AllAsync(shell, scratch,
                entries.Where(e => e.Type == TarEntryType.RegularFile && e.Size > 0 && e.Name != SiteBackup.ManifestEntryName).Select(e => e.Name).ToList(), cancellationToken);
            SiteManifest? manifest = null;
            string? manifestSha256 = null;
            foreach (var entry in entries)
            {
                if (manifest is not null)
                {
                    problems.Add($"the entry '{entry.Name}' comes after the manifest");
                    break;
                }

                var isFile = entry.Type == TarEntryType.RegularFile;
                if (isFile && entry.Name == SiteBackup.ManifestEntryName)
                {
                    await using var content = await files.OpenReadAsync(Path.Join(scratch, entry.Name), cancellationToken);
                    (manifest, manifestSha256) = await SiteBackup.ReadManifestAsync(content, problems, cancellationToken);
                    if (manifest is null)
                    {
                        break;
                    }

                    continue;
                }

                var sha256 = !isFile || entry.Size == 0 ? SiteFiles.EmptySha256 : hashes.GetValueOrDefault(entry.Name, "");
                if (isFile && entry.Name.StartsWith(SiteBackup.AttachmentPrefix, StringComparison.Ordinal))
                {
                    onAttachment?.Invoke(new ManifestAttachment(entry.Name[SiteBackup.AttachmentPrefix.Length..], entry.Size, sha256));
                    continue;
                }

                if (SiteBackup.SiteEntryOf(entry.Name, entry.Type, entry.Mode, entry.Size, sha256, entry.LinkTarget, problems) is { } found)
                {
                    onSiteEntry(found);
                }
            }

            if (manifest is null)
            {
                problems.Add($"the archive holds no valid manifest ({SiteBackup.ManifestEntryName} as its last entry)");
            }

            var archiveSha256 = Encoding.ASCII.GetString(archiveHash.Result.Output).Trim();
            return (manifest, manifestSha256, archiveSha256.Length == 64 ? archiveSha256 : null);
        }
        finally
        {
            await shell.RunAsync($"rm -rf -- {quotedScratch}", null, CancellationToken.None);
        }
    }

    /// <summary>
    /// A line <c>tar -xvv</c> adds when it creates a folder the archive holds no entry for (<c>drwxr-xr-x  Creating
    /// directory: "site"</c>): not an entry. An entry's line has its owner after the mode, never these words.
    /// </summary>
    private static bool IsImplicitDirectory(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && line.AsSpan(space).TrimStart().StartsWith("Creating directory: ", StringComparison.Ordinal);
    }
}
