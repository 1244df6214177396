namespace Installatron.Core.Domain;

/// <summary>
/// Every errcode the product answers with. The seed's codes come first, spelled exactly as the seed spells them; the
/// rest are this product's own, documented in docs/api.md and the OpenAPI document. Their HTTP statuses are the API's
/// business (<c>Api.ErrorStatuses</c>); below the API an errcode travels in a <see cref="Refusal"/>.
/// </summary>
public static class ErrorCodes
{
    // Seed: status 200.
    public const string CompleteDryrun = "complete_dryrun";

    // Seed: status 400.
    public const string InvalidArgumentVersion = "invalid_argument_version";
    public const string InvalidArgumentVersionNoupdate = "invalid_argument_version_noupdate";
    public const string InvalidArgumentVersionManualupdate = "invalid_argument_version_manualupdate";
    public const string InvalidArgumentVersionUnmetrequirements = "invalid_argument_version_unmetrequirements";

    // Seed: status 403.
    public const string InvalidApiKey = "invalid_api_key";
    public const string InvalidArgumentUser = "invalid_argument_user";

    // Seed: status 404.
    public const string InstallNotFound = "install_not_found";
    public const string UserNotFound = "user_not_found";

    // Seed: status 500.
    public const string FailedWebsiteVhost = "failed_website_vhost";
    public const string FailedFilesystemDirectory = "failed_filesystem_directory";
    public const string FailedFilesystemHost = "failed_filesystem_host";
    public const string FailedFilesystemLogin = "failed_filesystem_login";
    public const string FailedFilesystemOndemand = "failed_filesystem_ondemand";
    public const string FailedFilesystemPermission = "failed_filesystem_permission";
    public const string FailedFilesystemQuota = "failed_filesystem_quota";

    // Ours: a request that cannot be read, a parameter of the wrong type or value (errfield names it).
    public const string InvalidRequestBody = "invalid_request_body";
    public const string InvalidArgumentPrefix = "invalid_argument_";
    public const string UnknownArgument = "invalid_argument_unknown";

    // Ours: other refusals.
    public const string ApplicationNotFound = "application_not_found";
    public const string RouteNotFound = "route_not_found";
    public const string UserExists = "user_exists";
    public const string InstallExists = "install_exists";
    public const string VersionExists = "version_exists";
    public const string ConcurrentModification = "concurrent_modification";
    public const string UpdateInProgress = "update_in_progress";
    public const string TaskNotFound = "task_not_found";
    public const string FailedBackup = "failed_backup";
    public const string FailedUpdate = "failed_update";
    public const string FailedVerify = "failed_verify";
    public const string FailedHealthCheck = "failed_health_check";
    public const string FailedRevert = "failed_revert";
    public const string BackupNotFound = "backup_not_found";
    public const string FailedRestore = "failed_restore";
    public const string FailedCatalogSource = "failed_catalog_source";
    public const string CatalogSyncOff = "catalog_sync_off";
    public const string FailedDatabaseUpgrade = "failed_database_upgrade";
    public const string FailedSiteConfig = "failed_site_config";
    public const string WebhookNotFound = "webhook_not_found";
    public const string FailedDatabaseHost = "failed_database_host";
    public const string FailedDatabaseLogin = "failed_database_login";
    public const string FailedDatabaseTable = "failed_database_table";
    public const string FailedDatabaseDump = "failed_database_dump";
    public const string FailedDatabaseQuery = "failed_database_query";
    public const string RolloutNotFound = "rollout_not_found";
    public const string RolloutFinished = "rollout_finished";
    public const string SweepInProgress = "sweep_in_progress";
    public const string UpdateSuperseded = "update_superseded";
    public const string InternalError = "internal_error";

    /// <summary>The seed's errcodes, for the tests that check the table covers each of them.</summary>
    public static IReadOnlyList<string> SeedCodes =>
    [
        CompleteDryrun, InvalidArgumentVersion, InvalidArgumentVersionNoupdate, InvalidArgumentVersionManualupdate,
        InvalidArgumentVersionUnmetrequirements, InvalidApiKey, InvalidArgumentUser, InstallNotFound, UserNotFound,
        FailedWebsiteVhost, FailedFilesystemDirectory, FailedFilesystemHost, FailedFilesystemLogin,
        FailedFilesystemOndemand, FailedFilesystemPermission, FailedFilesystemQuota,
    ];

    /// <summary><c>invalid_argument_{field}</c>: the errcode for a bad value of a parameter without a code of its own.</summary>
    public static string InvalidArgument(string field) => IsFieldName(field)
        ? InvalidArgumentPrefix + field
        : throw new ArgumentException($"'{field}' is not a parameter name an errcode can be made of.", nameof(field));

    /// <summary>A name an errcode can carry: lowercase letters, digits and '_', as every parameter of this API is named.</summary>
    public static bool IsFieldName(string name) =>
        name.Length is > 0 and <= 64 && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
