using System.Security.Cryptography;
using System.Text;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Bench.Fleet;

/// <summary>A WordPress release that breaks every site (<see cref="DemoWordPress.BrokenPackage"/>), published as auto-updatable.</summary>
public static class BrokenRelease
{
    public static async Task PublishAsync(IServiceProvider services, string version)
    {
        using var package = DemoWordPress.BrokenPackage(version);
        await BenchCatalog.PublishAsync(services, Applications.WordPress, version, package);
    }
}

/// <summary>Versions published into the catalog of the benchmark's tables, as the publish API does.</summary>
public static class BenchCatalog
{
    /// <summary>Publishes <paramref name="package"/> as <paramref name="version"/>, auto-updatable from any older version.</summary>
    public static Task PublishAsync(IServiceProvider services, string application, string version, Stream package) =>
        services.GetRequiredService<VersionPublisher>().PublishAsync(
            new VersionDraft(application, AppVersion.Parse(version), null, [UpgradeRule.AutoFromAnything], new Requirements()),
            package, CancellationToken.None);
}

/// <summary>One SHA-256 over a site's files (relative path and content, in order): equal when nothing was touched.</summary>
public static class TreeHash
{
    public static string Of(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
