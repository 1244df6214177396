using Installatron.Core.Api;
using Installatron.Core.Domain;

namespace Installatron.Core.Tests;

public sealed class ErrorCodesTests
{
    /// <summary>The seed's errcode table, copied from installatron-update-api.txt.</summary>
    public static TheoryData<string, int> SeedTable => new()
    {
        { "complete_dryrun", 200 },
        { "invalid_argument_version", 400 },
        { "invalid_argument_version_noupdate", 400 },
        { "invalid_argument_version_manualupdate", 400 },
        { "invalid_argument_version_unmetrequirements", 400 },
        { "invalid_api_key", 403 },
        { "invalid_argument_user", 403 },
        { "install_not_found", 404 },
        { "user_not_found", 404 },
        { "failed_website_vhost", 500 },
        { "failed_filesystem_directory", 500 },
        { "failed_filesystem_host", 500 },
        { "failed_filesystem_login", 500 },
        { "failed_filesystem_ondemand", 500 },
        { "failed_filesystem_permission", 500 },
        { "failed_filesystem_quota", 500 },
    };

    [Theory]
    [MemberData(nameof(SeedTable))]
    public void StatusOf_SeedErrcode_SeedStatus(string errcode, int status) => Assert.Equal(status, ErrorStatuses.StatusOf(errcode));

    [Fact]
    public void SeedCodes_ExactlyTheSeedTable() =>
        Assert.Equal(SeedTable.Select(row => (string)row[0]).Order(), ErrorCodes.SeedCodes.Order());

    [Fact]
    public void StatusOf_InvalidArgumentOfAnyField_400() => Assert.Equal(400, ErrorStatuses.StatusOf("invalid_argument_revert"));

    [Fact]
    public void StatusOf_Unknown_Throws() => Assert.Throws<ArgumentException>(() => ErrorStatuses.StatusOf("made_up"));

    [Fact]
    public void Failure_Envelope_SeedFieldNamesInSeedOrder()
    {
        var json = ApiResult.Failure(ErrorCodes.InstallNotFound, null, "gone").ToString();
        Assert.Equal("""{"result":false,"status":404,"errcode":"install_not_found","errfield":null,"message":"gone","data":null}""", json);
    }

    [Fact]
    public void Success_Envelope_SeedMessage()
    {
        var json = ApiResult.Success(new { id = "x" }).ToString();
        Assert.Equal("""{"result":true,"status":200,"errcode":null,"errfield":null,"message":"The task is complete.\n","data":{"id":"x"}}""", json);
    }
}
