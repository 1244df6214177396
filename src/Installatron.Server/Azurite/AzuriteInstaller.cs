using Installatron.Processes;

namespace Installatron.Server.Azurite;

/// <summary>Installs the repository's pinned npm dependencies (package-lock.json) the first time Azurite is needed.</summary>
public static class AzuriteInstaller
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The path of Azurite's entry script, after <c>npm ci</c> if it is not installed yet.</summary>
    public static async Task<string> EnsureInstalledAsync(string toolRoot, TextWriter log, CancellationToken cancellationToken)
    {
        var script = Path.Combine(toolRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(script))
            {
                return script;
            }

            if (!File.Exists(Path.Combine(toolRoot, "package-lock.json")))
            {
                throw new InvalidOperationException(
                    $"Azurite is not installed and {toolRoot} has no package-lock.json; set AzureWebJobsStorage to a storage account instead.");
            }

            await log.WriteLineAsync("Installing Azurite from package-lock.json (first run only, about a minute)...");
            var npm = await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10), toolRoot, cancellationToken);
            npm.EnsureSuccess();
            return File.Exists(script) ? script : throw new InvalidOperationException($"npm ci did not install Azurite at {script}:\n{npm.Output}");
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
