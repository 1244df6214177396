using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Microsoft.AspNetCore.Http;

namespace Installatron.Core.Api;

/// <summary>
/// <c>POST /browser/{app}/versions</c> as it arrives: a multipart form with <c>version</c>, optional <c>branch</c>,
/// <c>upgrade_from</c> and <c>requirements</c> (JSON), and the <c>package</c> zip file — read into a draft for the
/// <see cref="VersionPublisher"/>. The body may be as large as a package (plus its fields).
/// </summary>
public static class PublishRequest
{
    private static readonly IReadOnlyList<string> Parameters = ["version", "branch", "upgrade_from", "requirements", "package"];

    public static async Task<(VersionDraft Draft, IFormFile Package)> ReadAsync(string application, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Ids.IsValidApplicationId(application))
        {
            throw RequestFields.Invalid("application", "must be 1 to 80 lowercase letters, digits, '-' or '_'");
        }

        if (!request.HasFormContentType)
        {
            throw new Refusal(ErrorCodes.InvalidRequestBody, null,
                "Publish a version as multipart/form-data with the fields version, branch, upgrade_from, requirements and the file package.");
        }

        var fields = await RequestFields.ReadAsync(request, cancellationToken, VersionPublisher.MaxPackageBytes + RequestFields.MaxBodyBytes);
        fields.RejectUnknown(Parameters);
        var versionText = fields.RequiredString("version");
        if (!AppVersion.TryParse(versionText, out var version))
        {
            throw new Refusal(ErrorCodes.InvalidArgumentVersion, "version", $"'{versionText}' is not a version.");
        }

        var rules = fields.Json<List<UpgradeRule>>("upgrade_from") ?? [UpgradeRule.AutoFromAnything];
        if (rules.Any(r => r is null || !AppVersion.IsValidPattern(r.From ?? "") || !UpgradeModes.Rules.Contains(r.Mode)))
        {
            throw RequestFields.Invalid("upgrade_from",
                "must be a JSON array of {\"from\": \"*\" | \"6.*\" | \"6.7.2\", \"mode\": \"auto\" | \"manual\"}");
        }

        var requirements = fields.Json<Requirements>("requirements") ?? new Requirements();
        if (new[] { requirements.PhpMin, requirements.PhpMax, requirements.MysqlMin, requirements.MariadbMin }
            .Any(v => v is null || (v.Length > 0 && !AppVersion.TryParse(v, out _))))
        {
            throw RequestFields.Invalid("requirements", "must be a JSON object of versions: php_min, php_max, mysql_min, mariadb_min");
        }

        var file = fields.Files?.GetFile("package")
            ?? throw RequestFields.Invalid("package", "is required: the version's zip package as a file part");
        if (file.Length == 0 || file.Length > VersionPublisher.MaxPackageBytes)
        {
            throw RequestFields.Invalid("package", $"must be a zip file of 1 byte to {VersionPublisher.MaxPackageBytes} bytes");
        }

        return (new VersionDraft(application, version, fields.String("branch"), rules, requirements), file);
    }
}
