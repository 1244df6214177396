using Installatron.Core.Domain;

namespace Installatron.Core.Api;

/// <summary>The HTTP status of every errcode (<see cref="ErrorCodes"/>): the seed's statuses for the seed's codes.</summary>
public static class ErrorStatuses
{
    private static readonly Dictionary<string, int> Statuses = new(StringComparer.Ordinal)
    {
        [ErrorCodes.CompleteDryrun] = 200,
        [ErrorCodes.InvalidArgumentVersion] = 400,
        [ErrorCodes.InvalidArgumentVersionNoupdate] = 400,
        [ErrorCodes.InvalidArgumentVersionManualupdate] = 400,
        [ErrorCodes.InvalidArgumentVersionUnmetrequirements] = 400,
        [ErrorCodes.InvalidApiKey] = 403,
        [ErrorCodes.InvalidArgumentUser] = 403,
        [ErrorCodes.InstallNotFound] = 404,
        [ErrorCodes.UserNotFound] = 404,
        [ErrorCodes.FailedWebsiteVhost] = 500,
        [ErrorCodes.FailedFilesystemDirectory] = 500,
        [ErrorCodes.FailedFilesystemHost] = 500,
        [ErrorCodes.FailedFilesystemLogin] = 500,
        [ErrorCodes.FailedFilesystemOndemand] = 500,
        [ErrorCodes.FailedFilesystemPermission] = 500,
        [ErrorCodes.FailedFilesystemQuota] = 500,
        [ErrorCodes.InvalidRequestBody] = 400,
        [ErrorCodes.UnknownArgument] = 400,
        [ErrorCodes.ApplicationNotFound] = 404,
        [ErrorCodes.RouteNotFound] = 404,
        [ErrorCodes.UserExists] = 409,
        [ErrorCodes.InstallExists] = 409,
        [ErrorCodes.VersionExists] = 409,
        [ErrorCodes.ConcurrentModification] = 409,
        [ErrorCodes.UpdateInProgress] = 409,
        [ErrorCodes.TaskNotFound] = 404,
        [ErrorCodes.BackupNotFound] = 404,
        [ErrorCodes.FailedRestore] = 500,
        [ErrorCodes.FailedBackup] = 500,
        [ErrorCodes.FailedUpdate] = 500,
        [ErrorCodes.FailedVerify] = 500,
        [ErrorCodes.FailedHealthCheck] = 500,
        [ErrorCodes.FailedRevert] = 500,
        [ErrorCodes.FailedCatalogSource] = 500,
        [ErrorCodes.CatalogSyncOff] = 409,
        [ErrorCodes.FailedDatabaseUpgrade] = 500,
        [ErrorCodes.FailedSiteConfig] = 500,
        [ErrorCodes.WebhookNotFound] = 404,
        [ErrorCodes.FailedDatabaseHost] = 500,
        [ErrorCodes.FailedDatabaseLogin] = 500,
        [ErrorCodes.FailedDatabaseTable] = 500,
        [ErrorCodes.FailedDatabaseDump] = 500,
        [ErrorCodes.FailedDatabaseQuery] = 500,
        [ErrorCodes.RolloutNotFound] = 404,
        [ErrorCodes.RolloutFinished] = 409,
        [ErrorCodes.SweepInProgress] = 409,
        [ErrorCodes.UpdateSuperseded] = 409,
        [ErrorCodes.InternalError] = 500,
    };

    public static IReadOnlyDictionary<string, int> Table => Statuses;

    /// <summary>The HTTP status of an errcode; any <c>invalid_argument_{field}</c> not listed is a 400.</summary>
    public static int StatusOf(string errcode) =>
        Statuses.TryGetValue(errcode, out var status) ? status
        : errcode.StartsWith(ErrorCodes.InvalidArgumentPrefix, StringComparison.Ordinal) ? 400
        : throw new ArgumentException($"Unknown errcode '{errcode}'.", nameof(errcode));
}
