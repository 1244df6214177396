using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Installatron.Core;
using Installatron.Functions;
using Installatron.Server;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Installatron.Deployment.Tests;

/// <summary>Every setting the code reads is set by the Bicep, or documented as optional/local.</summary>
public sealed partial class SettingsTests
{
    /// <summary>The options class of the core and of each host, with the section it is bound from ("" = the root).</summary>
    public static TheoryData<Type, string> OptionsClasses => new()
    {
        { typeof(InstallatronOptions), InstallatronOptions.Section },
        { typeof(ServerOptions), ServerOptions.Section },
        { typeof(FunctionsOptions), "" },
    };

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void Options_EveryBoundPropertyIsACatalogedSetting(Type options, string section)
    {
        var names = AppSettings.All.Select(s => s.Name).ToHashSet();
        foreach (var property in options.GetProperties().Where(p => p.CanWrite))
        {
            var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var setting = section.Length == 0 ? key : $"{section}__{key}";
            Assert.True(names.Contains(setting), $"{options.Name}.{property.Name} is bound from '{setting}', which is not in AppSettings.All.");
        }
    }

    /// <summary>Each Functions timer: the function, its setting, its default, and the Bicep parameter that sets it.</summary>
    public static TheoryData<Type, string, string, string, string> Timers => new()
    {
        { typeof(AutoUpdateFunctions), nameof(AutoUpdateFunctions.Run), FunctionsOptions.AutoUpdateScheduleSetting, FunctionsOptions.DefaultAutoUpdateSchedule, "autoUpdateSchedule" },
        { typeof(CatalogSyncFunctions), nameof(CatalogSyncFunctions.Timer), FunctionsOptions.CatalogSyncScheduleSetting, FunctionsOptions.DefaultCatalogSyncSchedule, "catalogSyncSchedule" },
    };

    [Theory]
    [MemberData(nameof(Timers))]
    public void TimerSchedule_FromItsSettingAndTheBicepSampleAndDefaultAgree(Type functions, string method, string setting, string defaultSchedule, string bicepParameter)
    {
        var timer = functions.GetMethod(method)!.GetParameters()
            .Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).Single(a => a is not null)!;
        Assert.Equal($"%{setting}%", timer.Schedule);
        Assert.Equal(SettingUse.SetByBicep, AppSettings.All.Single(s => s.Name == setting).Use);

        var bicepDefault = Regex.Match(Repository.ReadFile("infra/app/api.bicep"), $@"param {bicepParameter} string = '(?<value>[^']+)'").Groups["value"].Value;
        Assert.Contains($"{setting}: {bicepParameter}", Repository.ReadFile("infra/app/api.bicep"));
        using var sample = JsonDocument.Parse(Repository.ReadFile("local.settings.sample.json"));
        Assert.Equal(defaultSchedule, bicepDefault);
        Assert.Equal(defaultSchedule, sample.RootElement.GetProperty("Values").GetProperty(setting).GetString());
        var options = new FunctionsOptions { AutoUpdateSchedule = FunctionsOptions.DefaultAutoUpdateSchedule, CatalogSyncSchedule = FunctionsOptions.DefaultCatalogSyncSchedule };
        Assert.True(new FunctionsOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Bicep_SetsEveryAzureSettingAndNothingUnknown()
    {
        var bicepSettings = BicepAppSettings();
        var required = AppSettings.All.Where(s => s.Use == SettingUse.SetByBicep).Select(s => s.Name);
        Assert.Empty(required.Except(bicepSettings));
        Assert.Empty(bicepSettings.Except(AppSettings.All.Select(s => s.Name)));
    }

    [Fact]
    public void Readme_DocumentsEverySetting()
    {
        var readme = Repository.ReadFile("README.md");
        foreach (var setting in AppSettings.All)
        {
            Assert.Contains($"| `{setting.Name}` |", readme);
        }
    }

    [Fact]
    public void LocalSettingsSample_HasEverySettingTheFunctionsAppReadsLocally()
    {
        using var sample = JsonDocument.Parse(Repository.ReadFile("local.settings.sample.json"));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();
        var expected = new[]
        {
            "AzureWebJobsStorage", "Installatron__Key", "Installatron__Key2", "Installatron__TablePrefix", "FUNCTIONS_WORKER_RUNTIME",
            FunctionsOptions.AutoUpdateScheduleSetting, FunctionsOptions.CatalogSyncScheduleSetting,
        };
        Assert.Empty(expected.Except(values));
        Assert.Empty(values.Except(AppSettings.All.Select(s => s.Name)).Except(["FUNCTIONS_WORKER_RUNTIME"]));
    }

    [Fact]
    public void Code_ReadsNoSettingOutsideTheCatalog()
    {
        // Configuration keys written as string literals in the source: configuration["X"], section["y"], GetSection("Z").
        // Plus ASP.NET Core's own host settings, which the standalone server only checks for (it defaults --urls).
        var names = AppSettings.All.Select(s => s.Name.Replace("__", ":")).Concat(["urls", "http_ports"]).ToList();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in ConfigurationKey().Matches(File.ReadAllText(file)))
            {
                var key = match.Groups["key"].Value;
                Assert.True(names.Any(n => n.EndsWith(key, StringComparison.OrdinalIgnoreCase) || n.StartsWith(key, StringComparison.OrdinalIgnoreCase)),
                    $"{Path.GetFileName(file)} reads the setting '{key}', which is not in AppSettings.All.");
            }
        }
    }

    private static HashSet<string> BicepAppSettings()
    {
        var bicep = Repository.ReadFile("infra/app/api.bicep");
        var lines = bicep[bicep.IndexOf("name: 'appsettings'", StringComparison.Ordinal)..].Split('\n')
            .SkipWhile(line => !line.Contains("properties: {", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => line.Trim() != "}");
        return lines.Select(line => BicepProperty().Match(line)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToHashSet();
    }

    [GeneratedRegex(@"^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*:")]
    private static partial Regex BicepProperty();

    [GeneratedRegex(@"(?:configuration|section|keys|Configuration)\[""(?<key>[A-Za-z_:]+)""\]")]
    private static partial Regex ConfigurationKey();
}
