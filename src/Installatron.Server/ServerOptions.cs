using System.Globalization;
using System.Text.RegularExpressions;
using Installatron.Core;
using Installatron.DurableSidecar;
using Microsoft.Extensions.Options;

namespace Installatron.Server;

/// <summary>
/// The standalone server's own settings, in the <c>Installatron</c> section beside the core's
/// (<see cref="InstallatronOptions"/>). Checked before anything starts: a bad value stops the server with a message that
/// names the setting.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = InstallatronOptions.Section;

    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Folder for Azurite's data, the demo sites and the development key (default: <c>.data</c> in the repository).</summary>
    public string DataPath { get; set; } = "";

    /// <summary>False to start without the seed's demo user, install and catalog.</summary>
    public bool DemoData { get; set; } = true;

    /// <summary>Folder with the <c>package-lock.json</c> that pins Azurite (default: the repository root).</summary>
    public string ToolRoot { get; set; } = "";

    /// <summary>The Durable task hub (the Functions app's is <c>hubName</c> in host.json).</summary>
    public string TaskHub { get; set; } = "installatron";

    /// <summary>How long work in flight at a crash waits before it is delivered again.</summary>
    public TimeSpan DurableLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two polls of an empty Durable queue: bounds the pause between two steps of an update.</summary>
    public TimeSpan DurableQueuePolling { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Minutes between automatic-update sweeps; 0 turns them off.</summary>
    public int AutoUpdateMinutes { get; set; } = 360;

    /// <summary>Minutes between catalog syncs; 0 turns them off.</summary>
    public int CatalogSyncMinutes { get; set; } = 720;

    /// <summary>
    /// The options as the server will see them, checked now: the server needs its data folder and Azurite before its
    /// container exists. The container validates the same options again at start (<c>ValidateOnStart</c>).
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting has a bad value.</exception>
    public static ServerOptions Load(IConfiguration configuration)
    {
        var options = new ServerOptions();
        configuration.GetSection(Section).Bind(options);
        ApplyDefaults(options);
        var result = new ServerOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(ServerOptions), result.Failures) : options;
    }

    public static void ApplyDefaults(ServerOptions options)
    {
        if (options.ToolRoot.Length == 0)
        {
            options.ToolRoot = FindRepositoryRoot() ?? Directory.GetCurrentDirectory();
        }

        options.DataPath = Path.GetFullPath(options.DataPath.Length > 0 ? options.DataPath : Path.Combine(options.ToolRoot, ".data"));
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

/// <summary>What <see cref="ServerOptions"/> must hold; each failure names the setting and what it must be.</summary>
public sealed partial class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    private static readonly TimeSpan MaximumLockTimeout = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (!TaskHubName().IsMatch(options.TaskHub))
        {
            failures.Add($"Installatron:TaskHub must be 3 to 45 letters and digits, starting with a letter (Azure Storage names tables and queues after it); '{options.TaskHub}' is not.");
        }

        var minimumLockTimeout = TimeSpan.Parse(DurableRuntimeSettings.MinimumLockTimeout, CultureInfo.InvariantCulture);
        if (options.DurableLockTimeout < minimumLockTimeout || options.DurableLockTimeout > MaximumLockTimeout)
        {
            failures.Add($"Installatron:DurableLockTimeout must be a time span from {DurableRuntimeSettings.MinimumLockTimeout} to 01:00:00; {options.DurableLockTimeout:c} is not.");
        }

        if (options.DurableQueuePolling < TimeSpan.FromMilliseconds(10) || options.DurableQueuePolling > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Installatron:DurableQueuePolling must be a time span from 00:00:00.010 to 00:01:00; {options.DurableQueuePolling:c} is not.");
        }

        foreach (var (setting, minutes) in new[] { ("AutoUpdateMinutes", options.AutoUpdateMinutes), ("CatalogSyncMinutes", options.CatalogSyncMinutes) })
        {
            if (minutes is < 0 or > 525_600)
            {
                failures.Add($"Installatron:{setting} must be a number of minutes from 0 (off) to 525600 (a year); {minutes} is not.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(DurableRuntimeSettings.TaskHubPattern)]
    private static partial Regex TaskHubName();
}
