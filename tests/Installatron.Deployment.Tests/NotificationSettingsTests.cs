using Installatron.Core;
using Installatron.Core.Outbound;

namespace Installatron.Deployment.Tests;

/// <summary>The notification settings are in the catalog like every other setting; the SMTP password comes from Key Vault.</summary>
public sealed class NotificationSettingsTests
{
    [Fact]
    public void NotificationOptions_EveryPropertyIsACatalogedSetting()
    {
        var names = AppSettings.All.Select(s => s.Name).ToHashSet();
        foreach (var property in typeof(NotificationOptions).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Contains($"{InstallatronOptions.Section}__{property.Name}", names);
        }
    }

    [Fact]
    public void Bicep_SmtpPasswordIsAKeyVaultReference()
    {
        var app = Repository.ReadFile("infra/app/api.bicep");
        Assert.Contains("Installatron__SmtpPassword: empty(smtpPasswordSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${smtpPasswordSecretUri})'", app);
        var main = Repository.ReadFile("infra/main.bicep");
        Assert.Contains("@secure()\n@description('SMTP password", main);
    }
}
