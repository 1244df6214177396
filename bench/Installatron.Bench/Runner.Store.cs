using System.IO.Compression;

namespace Installatron.Bench;

/// <summary>The backup store (issue 12), side by side with the shell tools, on one generated site and on 20 sites of one version.</summary>
public sealed partial class Runner
{
    public const int ManySites = 20;

    public async Task<GeneratedSite> RunStoreAsync(SiteSize size)
    {
        var directory = Path.Join(workDirectory, "store-" + size.Name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        Console.Error.WriteLine($"[store {size.Name}] generating the site in {directory} ...");
        var site = SiteGenerator.Generate(directory, size);
        var store = Path.Join(directory, "backups");
        var staging = Path.Join(directory, ".installatron-staging", "bench");
        var archive = Path.Join(directory, "by-hand.tar.gz");

        await PhaseAsync("idle");
        await PhaseAsync("store-backup", site.Root, store, "first", site.OldPackage);
        _rows[^1] = _rows[^1] with { Phase = "store backup, first of the site (package referenced)" };
        await PhaseAsync("store-backup", site.Root, store, "second", site.OldPackage);
        _rows[^1] = _rows[^1] with { Phase = "store backup, second of the unchanged site" };
        await PhaseAsync("store-backup-warm", site.Root, store, "third", site.OldPackage);
        _rows[^1] = _rows[^1] with { Phase = "store backup, again, in a process that already ran one (JIT warm, as a running worker)" };
        await PhaseAsync("store-backup-warm-first", site.Root, store + "-warm", "first", site.OldPackage);
        _rows[^1] = _rows[^1] with { Phase = "store backup, first of the site into an empty store, in a process that already ran one (JIT warm)" };
        Directory.Delete(store + "-warm", recursive: true);
        Tool("tar czf (by hand: full archive)", "tar", "czf", archive, "-C", site.Root, ".");
        await PhaseAsync("apply", site.Root, site.NewPackage, site.OldPackage, staging);
        await PhaseAsync("verify-package", site.Root, site.NewPackage);
        await PhaseAsync("store-restore", store, "third", site.OldPackage, site.Root);
        _rows[^1] = _rows[^1] with { Phase = "store restore (the revert of the update)" };

        // After the revert, not between the update and it: unzip rewrites every core file, which the revert would then
        // have to read again although the update never touched most of them.
        Tool("unzip -o (by hand: the package over the site)", "unzip", "-o", "-q", site.NewPackage, "-d", site.Root);
        var extracted = Path.Join(directory, "tar-xzf");
        Directory.CreateDirectory(extracted);
        Tool("tar xzf (by hand: the full archive, into an empty folder)", "tar", "xzf", archive, "-C", extracted);
        Directory.Delete(extracted, recursive: true);
        File.Delete(archive);

        if (size != SiteSize.Small)
        {
            // Twenty copies of a 1 GB site's core would need several GB of disk: the 20-site figure is the 100 MB one.
            Directory.Delete(directory, recursive: true);
            return site;
        }

        var sites = Path.Join(directory, "sites");
        Console.Error.WriteLine($"[store {size.Name}] {ManySites} sites of the same version ...");
        WriteSitesOfOneVersion(sites, site.OldPackage);
        await PhaseAsync("store-sites", sites, Path.Join(directory, "backups-20"), site.OldPackage);
        _rows[^1] = _rows[^1] with { Phase = $"store backups of {ManySites} sites of one version" };
        Directory.Delete(directory, recursive: true);
        return site;
    }

    /// <summary>Sites made of the package's core plus content of their own: a config, a plugin's text, uploads (random bytes).</summary>
    private static void WriteSitesOfOneVersion(string sites, string package)
    {
        var random = new Random(12);
        for (var i = 0; i < ManySites; i++)
        {
            var root = Path.Join(sites, $"site-{i:D2}");
            ZipFile.ExtractToDirectory(package, root);
            File.WriteAllText(Path.Join(root, "wp-config.php"), $"<?php\ndefine('DB_NAME', 'site{i}');\n");
            var plugin = Path.Join(root, "wp-content", "plugins", $"own-{i}");
            Directory.CreateDirectory(plugin);
            File.WriteAllText(Path.Join(plugin, "plugin.php"), string.Concat(Enumerable.Range(0, 4000).Select(n => $"function f{i}_{n}() {{ return {n * i}; }}\n")));
            var uploads = Path.Join(root, "wp-content", "uploads");
            Directory.CreateDirectory(uploads);
            for (var f = 0; f < 10; f++)
            {
                var bytes = new byte[100_000 + random.Next(100_000)];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Join(uploads, $"photo-{f}.jpg"), bytes);
            }
        }
    }
}
