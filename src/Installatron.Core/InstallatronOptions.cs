using Installatron.Core.Domain;
using Microsoft.Extensions.Options;

namespace Installatron.Core;

/// <summary>The <c>Installatron</c> configuration section (environment: <c>Installatron__Key</c>, …).</summary>
public sealed class InstallatronOptions
{
    public const string Section = "Installatron";

    /// <summary>The API key callers send as <c>X-API-KEY</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>A second valid key, so keys can be rotated without downtime.</summary>
    public string Key2 { get; set; } = "";

    /// <summary>Prefix of every table and blob container this product creates; lets several instances or tests share one account.</summary>
    public string TablePrefix { get; set; } = "installatron";

    /// <summary>How long a synchronous update (<c>background=false</c>) is waited for before the answer is 202 with the task; under Azure's 230 s HTTP limit.</summary>
    public int SyncWaitSeconds { get; set; } = 180;

    /// <summary>
    /// Base URL of the catalog source speaking WordPress.org's API formats (version check 1.7, stable check 1.0, core
    /// checksums 1.0, plugin/theme information 1.2); empty turns the catalog sync off.
    /// </summary>
    public string CatalogSourceUrl { get; set; } = "https://api.wordpress.org";

    /// <summary>The <c>upgrade_from</c> mode the sync gives a release from versions of another branch: auto, manual or none.</summary>
    public string CatalogSyncNewBranch { get; set; } = "manual";

    /// <summary>Plugin slugs the sync follows besides those the catalog's installs have (comma separated).</summary>
    public string CatalogSyncPlugins { get; set; } = "";

    /// <summary>Theme slugs the sync follows besides those the catalog's installs have (comma separated).</summary>
    public string CatalogSyncThemes { get; set; } = "";

    /// <summary>Share of a rollout's members its canary wave takes, in percent (at least <see cref="RolloutCanaryMinimum"/>).</summary>
    public int RolloutCanaryPercent { get; set; } = 2;

    /// <summary>The fewest members of a canary wave (all of them when the rollout has fewer).</summary>
    public int RolloutCanaryMinimum { get; set; } = 5;

    /// <summary>A wave whose failed (or failed and reverted) updates pass this share of its members, in percent, pauses the rollout.</summary>
    public int RolloutFailurePercent { get; set; } = 20;

    /// <summary>More than this many sites of one target failing their health check and reverted pause its rollout.</summary>
    public int RolloutHealthRevertLimit { get; set; } = 3;

    /// <summary>Automatic updates running at once, over all rollouts.</summary>
    public int RolloutMaxConcurrent { get; set; } = 8;

    /// <summary>Automatic updates running at once on one hosting server.</summary>
    public int RolloutMaxPerServer { get; set; } = 4;

    /// <summary>Installs the sweep reads per page (one activity each; at most 1,000, the table service's page).</summary>
    public int SweepPageSize { get; set; } = 1000;

    /// <summary>
    /// The key that encrypts the secrets of remote locations at rest (AES-256-GCM): 32 random bytes in base64
    /// (<c>openssl rand -base64 32</c>). A Key Vault reference in Azure.
    /// </summary>
    public string SecretsKey { get; set; } = "";

    /// <summary>The previous secrets key while it is being rotated: still read, never written with.</summary>
    public string SecretsKey2 { get; set; } = "";

    /// <summary>Seconds connecting to a site's SSH server (TCP, key exchange, login) may take.</summary>
    public int SshConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>Seconds one SFTP request or one remote command may take.</summary>
    public int SshOperationTimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds between SSH keep-alive messages on an idle connection (0: none).</summary>
    public int SshKeepAliveSeconds { get; set; } = 30;

    /// <summary>Seconds a connection to a site's server is kept open after a step for the account's next one (0: every step connects).</summary>
    public int SshPoolIdleSeconds { get; set; } = 60;

    public RolloutSettings RolloutSettings => new(
        RolloutCanaryPercent, RolloutCanaryMinimum, RolloutFailurePercent, RolloutHealthRevertLimit, RolloutMaxConcurrent, RolloutMaxPerServer);

    /// <summary>Backups kept per install (the newest; backups of unfinished tasks are kept too).</summary>
    public int BackupsKept { get; set; } = 3;

    /// <summary>Hours a content of the backup store nothing names is kept before a collection removes it.</summary>
    public int BackupGraceHours { get; set; } = 24;

    /// <summary>The folder of this machine's verified copies of the catalog's packages (<see cref="Workflow.PackageCache"/>); empty: one in the temp folder.</summary>
    public string PackageCache { get; set; } = "";
}

/// <summary>What <see cref="InstallatronOptions"/> must hold, checked when either host starts; each failure names the setting.</summary>
public sealed class InstallatronOptionsValidator : IValidateOptions<InstallatronOptions>
{
    public ValidateOptionsResult Validate(string? name, InstallatronOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new[] { ("Installatron__SecretsKey", options.SecretsKey), ("Installatron__SecretsKey2", options.SecretsKey2) })
        {
            if (Storage.SecretBox.Problem(setting, value) is { } problem)
            {
                failures.Add(problem);
            }
        }

        foreach (var (setting, value, min, max) in new[]
        {
            ("RolloutCanaryPercent", options.RolloutCanaryPercent, 1, 100),
            ("RolloutCanaryMinimum", options.RolloutCanaryMinimum, 1, RolloutRules.MaxWaveSize),
            ("RolloutFailurePercent", options.RolloutFailurePercent, 0, 100),
            ("RolloutHealthRevertLimit", options.RolloutHealthRevertLimit, 0, 100_000),
            ("RolloutMaxConcurrent", options.RolloutMaxConcurrent, 1, 500),
            ("RolloutMaxPerServer", options.RolloutMaxPerServer, 1, 500),
            ("SweepPageSize", options.SweepPageSize, 1, 1000),
        })
        {
            if (value < min || value > max)
            {
                failures.Add($"Installatron__{setting} must be a whole number from {min} to {max}; {value} is not.");
            }
        }

        foreach (var (setting, seconds, minimum) in new[]
        {
            ("Installatron__SshConnectTimeoutSeconds", options.SshConnectTimeoutSeconds, 1),
            ("Installatron__SshOperationTimeoutSeconds", options.SshOperationTimeoutSeconds, 1),
            ("Installatron__SshKeepAliveSeconds", options.SshKeepAliveSeconds, 0),
            ("Installatron__SshPoolIdleSeconds", options.SshPoolIdleSeconds, 0),
        })
        {
            if (seconds < minimum || seconds > 86_400)
            {
                failures.Add($"{setting} must be a number of seconds from {minimum} to 86400; {seconds} is not.");
            }
        }

        if (options.BackupsKept is < 1 or > 1000)
        {
            failures.Add($"Installatron__BackupsKept must be a number of backups from 1 to 1000; {options.BackupsKept} is not.");
        }

        if (options.BackupGraceHours is < 0 or > 8760)
        {
            failures.Add($"Installatron__BackupGraceHours must be a number of hours from 0 to 8760; {options.BackupGraceHours} is not.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
