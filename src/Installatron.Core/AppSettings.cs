namespace Installatron.Core;

/// <summary>Where a setting is used and who provides it.</summary>
public enum SettingUse
{
    /// <summary>Read by the Functions app in Azure; <c>infra/app/api.bicep</c> must set it.</summary>
    SetByBicep,

    /// <summary>Read by the code, optional everywhere (it has a default).</summary>
    Optional,

    /// <summary>Local development only (Azurite connection string, the standalone server's own settings).</summary>
    LocalOnly,
}

public sealed record AppSetting(string Name, SettingUse Use, string Description);

/// <summary>
/// Every setting the code reads, in environment-variable form. Tests check it against the code (the options types),
/// the Bicep app settings, README.md and local.settings.sample.json, so none can be forgotten.
/// </summary>
public static class AppSettings
{
    public static readonly IReadOnlyList<AppSetting> All =
    [
        new("AzureWebJobsStorage", SettingUse.LocalOnly, "Storage connection string (Azurite locally). In Azure the identity-based settings below replace it."),
        new("AzureWebJobsStorage__accountName", SettingUse.SetByBicep, "Storage account name, for identity-based access."),
        new("AzureWebJobsStorage__credential", SettingUse.SetByBicep, "'managedidentity' to use the app's managed identity."),
        new("AzureWebJobsStorage__clientId", SettingUse.SetByBicep, "Client ID of the user-assigned managed identity."),
        new("AzureWebJobsStorage__blobServiceUri", SettingUse.SetByBicep, "Blob endpoint of the storage account (packages, Durable)."),
        new("AzureWebJobsStorage__queueServiceUri", SettingUse.SetByBicep, "Queue endpoint of the storage account (Durable)."),
        new("AzureWebJobsStorage__tableServiceUri", SettingUse.SetByBicep, "Table endpoint of the storage account (users, installs, catalog, Durable)."),
        new("Installatron__Key", SettingUse.SetByBicep, "The API key callers send as X-API-KEY (a Key Vault reference in Azure)."),
        new("Installatron__Key2", SettingUse.SetByBicep, "A second valid API key, for rotation (a Key Vault reference in Azure)."),
        new("Installatron__TablePrefix", SettingUse.Optional, "Prefix of the tables and blob container (default 'installatron')."),
        new("Installatron__SecretsKey", SettingUse.SetByBicep, "The key that encrypts remote locations' secrets at rest (AES-256-GCM): 32 random bytes in base64 (a Key Vault reference in Azure; the standalone server generates one into its data folder when unset)."),
        new("Installatron__SecretsKey2", SettingUse.SetByBicep, "The previous secrets key during a rotation: secrets it sealed still open, and are sealed again with Installatron__SecretsKey when written (a Key Vault reference in Azure)."),
        new("Installatron__SshConnectTimeoutSeconds", SettingUse.Optional, "Seconds connecting to a site's SSH server (TCP, key exchange, login) may take (default 15)."),
        new("Installatron__SshOperationTimeoutSeconds", SettingUse.Optional, "Seconds one SFTP request or one command on a site's server may take (default 600)."),
        new("Installatron__SshKeepAliveSeconds", SettingUse.Optional, "Seconds between SSH keep-alive messages on an idle connection to a site's server (default 30; 0 = none)."),
        new("Installatron__SshPoolIdleSeconds", SettingUse.Optional, "Seconds a connection to a site's SSH server is kept open after a step, for the next step of the same account (default 60; 0 = every step connects)."),
        new("Installatron__BackupsKept", SettingUse.Optional, "Backups kept per install, newest first; backups of unfinished tasks are kept too (default 3)."),
        new("Installatron__BackupGraceHours", SettingUse.Optional, "Hours an unreferenced content of a backup store is kept before a collection removes it (default 24)."),
        new("Installatron__PackageCache", SettingUse.Optional, "Folder of this machine's verified copies of the catalog's packages with their content indexes and digests, shared by every update, backup and restore here (default: installatron-packages in the temp folder; created 0700, refused when others may write it)."),
        new("Installatron__SyncWaitSeconds", SettingUse.Optional, "Seconds a synchronous update is waited for before answering 202 with the task (default 180, under Azure's 230 s limit)."),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingUse.SetByBicep, "Application Insights, read by the Functions host and by the worker's OpenTelemetry exporter (no telemetry is exported when it is empty)."),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", SettingUse.SetByBicep, "Entra ID authentication for Application Insights (local auth is disabled): 'ClientId=<guid>;Authorization=AAD'."),
        new("INSTALLATRON_CATALOGSYNC_SCHEDULE", SettingUse.SetByBicep, "Functions app: NCRONTAB schedule (six fields) of the catalog sync, e.g. '0 30 */12 * * *'; read by the timer trigger as %INSTALLATRON_CATALOGSYNC_SCHEDULE%."),
        new("INSTALLATRON_AUTOUPDATE_SCHEDULE", SettingUse.SetByBicep, "Functions app: NCRONTAB schedule (six fields) of the automatic-update sweep, e.g. '0 0 */6 * * *'; a flat name because the timer trigger reads it as %INSTALLATRON_AUTOUPDATE_SCHEDULE%."),
        new("Installatron__DataPath", SettingUse.LocalOnly, "Standalone server: folder for Azurite's data, the demo sites and the development key (default: .data in the repository)."),
        new("Installatron__DemoData", SettingUse.LocalOnly, "Standalone server: 'false' to start without the seed's demo user, install and catalog."),
        new("Installatron__TaskHub", SettingUse.LocalOnly, "Standalone server: Durable task hub name (default 'installatron'; the Functions app's is hubName in host.json)."),
        new("Installatron__DurableLockTimeout", SettingUse.LocalOnly, "Standalone server: how long work in flight at a crash waits before it is redelivered (default 00:00:30)."),
        new("Installatron__DurableQueuePolling", SettingUse.LocalOnly, "Standalone server: the longest wait between two polls of an empty Durable queue, which bounds the pause between two steps of an update (default 00:00:00.500; each poll is a storage request)."),
        new("Installatron__AutoUpdateMinutes", SettingUse.LocalOnly, "Standalone server: minutes between automatic-update sweeps (default 360; 0 turns them off). The Functions app sweeps on INSTALLATRON_AUTOUPDATE_SCHEDULE."),
        new("Installatron__CatalogSourceUrl", SettingUse.Optional, "Base URL of the catalog source in WordPress.org's API formats (default the public WordPress.org API); empty turns the catalog sync off."),
        new("Installatron__CatalogSyncNewBranch", SettingUse.Optional, "upgrade_from mode the catalog sync gives a release from versions of another branch: auto, manual (default) or none. Same branch is always auto."),
        new("Installatron__CatalogSyncPlugins", SettingUse.Optional, "Plugin slugs the catalog sync follows besides those the installs have (comma separated)."),
        new("Installatron__CatalogSyncThemes", SettingUse.Optional, "Theme slugs the catalog sync follows besides those the installs have (comma separated)."),
        new("Installatron__CatalogSyncMinutes", SettingUse.LocalOnly, "Standalone server: minutes between catalog syncs (default 720; 0 turns them off). The Functions app syncs on INSTALLATRON_CATALOGSYNC_SCHEDULE."),
        new("Installatron__SmtpHost", SettingUse.SetByBicep, "SMTP server for email notifications; empty (the default) turns email off: notifications are logged as skipped."),
        new("Installatron__SmtpPort", SettingUse.SetByBicep, "SMTP port (default 587)."),
        new("Installatron__SmtpTls", SettingUse.SetByBicep, "SMTP TLS: starttls (default, required), tls (from the first byte, port 465), auto, or none."),
        new("Installatron__SmtpLogin", SettingUse.SetByBicep, "SMTP login; empty = no authentication."),
        new("Installatron__SmtpPassword", SettingUse.SetByBicep, "SMTP password (a Key Vault reference in Azure); never logged or shown."),
        new("Installatron__SmtpFrom", SettingUse.SetByBicep, "From address of notification mails (default installatron@{SmtpHost})."),
        new("Installatron__NotificationRetryFor", SettingUse.Optional, "How long a failing notification is retried after its first attempt (default 1.00:00:00, 24 hours); then it fails and its webhook endpoint is disabled."),
        new("Installatron__NotificationRetryDelays", SettingUse.Optional, "Delays between delivery attempts, comma separated, the last repeating (default 00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00)."),
        new("Installatron__WebhookAllowPrivateNetworks", SettingUse.Optional, "'true' allows webhook URLs on loopback, private, link-local and other non-public addresses (tests, private networks). Default false."),
        new("Installatron__WebhookAllowHttp", SettingUse.Optional, "'true' allows http:// webhook URLs (tests). Default false: https only."),
        new("Installatron__ToolRoot", SettingUse.LocalOnly, "Standalone server: folder with package-lock.json for Azurite (default: the repository root)."),
        new("Installatron__RolloutCanaryPercent", SettingUse.Optional, "Share of a rollout's members its canary wave takes, in percent (default 2; at least RolloutCanaryMinimum)."),
        new("Installatron__RolloutCanaryMinimum", SettingUse.Optional, "The fewest members of a rollout's canary wave (default 5)."),
        new("Installatron__RolloutFailurePercent", SettingUse.Optional, "A wave whose failed or reverted updates pass this share of its members pauses the rollout (default 20)."),
        new("Installatron__RolloutHealthRevertLimit", SettingUse.Optional, "More than this many sites of one target failing their health check and reverted pause its rollout (default 3)."),
        new("Installatron__RolloutMaxConcurrent", SettingUse.Optional, "Automatic updates running at once over all rollouts (default 8)."),
        new("Installatron__RolloutMaxPerServer", SettingUse.Optional, "Automatic updates running at once on one hosting server (default 4)."),
        new("Installatron__SweepPageSize", SettingUse.Optional, "Installs the automatic-update sweep reads per page (default 1000, the most)."),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", SettingUse.LocalOnly, "Standalone server: an OpenTelemetry collector (OTLP); traces, metrics and logs are exported there when it is set (OTEL_EXPORTER_OTLP_PROTOCOL and the other standard OTEL_ variables apply)."),
    ];
}
