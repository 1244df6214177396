using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api.Handlers;

/// <summary><c>GET /backups?install=</c>: an install's backups, newest first, for a user who may see the install.</summary>
public sealed class BackupsApi(ApiGuard guard, BackupStore backups, InstallAccess access)
{
    public Task<ApiResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        guard.RunAsync(request, async () =>
        {
            var fields = RequestFields.FromQuery(request);
            fields.RejectUnknown(["install", "user"]);
            var install = fields.RequiredString("install");
            await access.ResolveAsync(install, fields.String("user"), cancellationToken);
            var list = (await backups.ListAsync(install, cancellationToken)).Select(BackupView.Of).ToList();
            return ApiResult.Success(new BackupPage(install, list.Count, list), $"{list.Count} backup(s) of install {install}.\n");
        });
}

/// <summary>One backup as the API shows it: what it holds (files, bytes, tables), what keeping it costs, and the task that took it.</summary>
public sealed record BackupView(
    string Id, string Install, string Task, long Time, string Version, long Size, long StoredSize, long Files, int Tables, string Location, string Format)
{
    public static BackupView Of(BackupRecord backup) => new(
        backup.Id, backup.InstallId, backup.Id, backup.Time, backup.Version, backup.Bytes, backup.StoredBytes, backup.Files, backup.Tables?.Count ?? 0,
        backup.Location, backup.Format is null ? "archive" : "store");
}

public sealed record BackupPage(string Install, int Total, IReadOnlyList<BackupView> Backups);
