using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Installatron.Functions;

/// <summary>
/// The Functions app's own settings (beside the core's <c>Installatron__*</c>): flat app-setting names, as the
/// Functions host and the scale controller read them. Checked before the worker starts.
/// </summary>
public sealed class FunctionsOptions
{
    /// <summary>
    /// The automatic-update timer's NCRONTAB schedule. A flat name on purpose: the host and the scale controller
    /// resolve <c>%NAME%</c> in a trigger by app-setting name, and a nested name (<c>Section__Key</c>) is not reliably
    /// resolved there.
    /// </summary>
    public const string AutoUpdateScheduleSetting = "INSTALLATRON_AUTOUPDATE_SCHEDULE";

    /// <summary>The binding expression of the timer trigger.</summary>
    public const string AutoUpdateScheduleExpression = "%" + AutoUpdateScheduleSetting + "%";

    public const string DefaultAutoUpdateSchedule = "0 0 */6 * * *";

    /// <summary>The catalog sync timer's NCRONTAB schedule (a flat name, as <see cref="AutoUpdateScheduleSetting"/>).</summary>
    public const string CatalogSyncScheduleSetting = "INSTALLATRON_CATALOGSYNC_SCHEDULE";

    public const string CatalogSyncScheduleExpression = "%" + CatalogSyncScheduleSetting + "%";

    public const string DefaultCatalogSyncSchedule = "0 30 */12 * * *";

    public const string ApplicationInsightsConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string ApplicationInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    [ConfigurationKeyName(AutoUpdateScheduleSetting)]
    public string AutoUpdateSchedule { get; set; } = "";

    [ConfigurationKeyName(CatalogSyncScheduleSetting)]
    public string CatalogSyncSchedule { get; set; } = "";

    /// <summary>Where telemetry goes (Application Insights); none is sent when it is empty.</summary>
    [ConfigurationKeyName(ApplicationInsightsConnectionStringSetting)]
    public string ApplicationInsightsConnectionString { get; set; } = "";

    /// <summary><c>Authorization=AAD</c>, with <c>ClientId=…</c> for a user-assigned identity: telemetry is sent with a Microsoft Entra token.</summary>
    [ConfigurationKeyName(ApplicationInsightsAuthenticationSetting)]
    public string ApplicationInsightsAuthentication { get; set; } = "";

    /// <summary>The client ID in <see cref="ApplicationInsightsAuthentication"/>, if any.</summary>
    public string? ApplicationInsightsClientId => AuthenticationParts(ApplicationInsightsAuthentication).GetValueOrDefault("ClientId");

    /// <exception cref="OptionsValidationException">A setting has a bad value.</exception>
    public static FunctionsOptions Load(IConfiguration configuration)
    {
        var options = new FunctionsOptions();
        configuration.Bind(options);
        var result = new FunctionsOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(FunctionsOptions), result.Failures) : options;
    }

    internal static Dictionary<string, string> AuthenticationParts(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
}

/// <summary>What <see cref="FunctionsOptions"/> must hold; each failure names the setting and what it must be.</summary>
public sealed class FunctionsOptionsValidator : IValidateOptions<FunctionsOptions>
{
    public ValidateOptionsResult Validate(string? name, FunctionsOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, schedule, example) in new[]
        {
            (FunctionsOptions.AutoUpdateScheduleSetting, options.AutoUpdateSchedule, FunctionsOptions.DefaultAutoUpdateSchedule),
            (FunctionsOptions.CatalogSyncScheduleSetting, options.CatalogSyncSchedule, FunctionsOptions.DefaultCatalogSyncSchedule),
        })
        {
            if (!IsSixFieldCron(schedule))
            {
                failures.Add($"{setting} must be an NCRONTAB schedule of six fields (second minute hour day month day-of-week), " +
                    $"e.g. '{example}'; '{schedule}' is not.");
            }
        }

        if (options.ApplicationInsightsConnectionString.Length > 0
            && !options.ApplicationInsightsConnectionString.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{FunctionsOptions.ApplicationInsightsConnectionStringSetting} must be an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…).");
        }

        var authentication = FunctionsOptions.AuthenticationParts(options.ApplicationInsightsAuthentication);
        if (options.ApplicationInsightsAuthentication.Length > 0
            && (authentication.GetValueOrDefault("Authorization") != "AAD"
                || (authentication.TryGetValue("ClientId", out var clientId) && !Guid.TryParse(clientId, out _))))
        {
            failures.Add($"{FunctionsOptions.ApplicationInsightsAuthenticationSetting} must be 'Authorization=AAD' or 'ClientId=<guid>;Authorization=AAD'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsSixFieldCron(string schedule)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6 && fields.All(field => field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or ',' or '-' or '/'));
    }
}
