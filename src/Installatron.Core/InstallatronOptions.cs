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

    /// <summary>Backups kept per install (the newest; backups of unfinished tasks are kept too).</summary>
    public int BackupsKept { get; set; } = 3;

    /// <summary>Hours a content of the backup store nothing names is kept before a collection removes it.</summary>
    public int BackupGraceHours { get; set; } = 24;
}

/// <summary>What the core's settings must hold, checked when a host starts; each failure names the setting.</summary>
public sealed class InstallatronOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<InstallatronOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, InstallatronOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new[] { ("Installatron__SecretsKey", options.SecretsKey), ("Installatron__SecretsKey2", options.SecretsKey2) })
        {
            if (Storage.SecretBox.Problem(setting, value) is { } problem)
            {
                failures.Add(problem);
            }
        }

        foreach (var (setting, seconds, minimum) in new[]
        {
            ("Installatron__SshConnectTimeoutSeconds", options.SshConnectTimeoutSeconds, 1),
            ("Installatron__SshOperationTimeoutSeconds", options.SshOperationTimeoutSeconds, 1),
            ("Installatron__SshKeepAliveSeconds", options.SshKeepAliveSeconds, 0),
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

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
