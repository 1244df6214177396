using Installatron.Core;
using Microsoft.Extensions.Configuration;

namespace Installatron.Server;

/// <summary>The standalone server's own settings, beside the core's <c>Installatron:Key</c>/<c>Key2</c>/<c>TablePrefix</c>.</summary>
public sealed record ServerSettings(string DataPath, bool DemoData, string ToolRoot)
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static ServerSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(InstallatronOptions.Section);
        var toolRoot = section["ToolRoot"] ?? FindRepositoryRoot() ?? Directory.GetCurrentDirectory();
        var dataPath = Path.GetFullPath(section["DataPath"] ?? Path.Combine(toolRoot, ".data"));
        var demo = !string.Equals(section["DemoData"], "false", StringComparison.OrdinalIgnoreCase);
        return new ServerSettings(dataPath, demo, toolRoot);
    }

    /// <summary>The folder with this repository's package-lock.json (Azurite's pinned version), from the working directory or the binaries up.</summary>
    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package-lock.json")) && File.Exists(Path.Combine(dir.FullName, "Installatron.Functions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
