using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Installatron.Core.Storage;

/// <summary>
/// The one storage account of a deployment, configured the Azure Functions way: <c>AzureWebJobsStorage</c> as a
/// connection string (Azurite locally), or identity-based settings <c>AzureWebJobsStorage__accountName</c> /
/// <c>__tableServiceUri</c> / <c>__blobServiceUri</c> / <c>__credential</c> / <c>__clientId</c> in Azure.
/// </summary>
public sealed class StorageAccount(TableServiceClient tables, BlobServiceClient blobs)
{
    public const string SettingName = "AzureWebJobsStorage";

    public TableServiceClient Tables { get; } = tables;

    public BlobServiceClient Blobs { get; } = blobs;

    public static StorageAccount FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageAccount(new TableServiceClient(connectionString), new BlobServiceClient(connectionString));
        }

        var section = configuration.GetSection(SettingName);
        var account = section["accountName"];
        var tableUri = section["tableServiceUri"] ?? (account is null ? null : $"https://{account}.table.core.windows.net");
        var blobUri = section["blobServiceUri"] ?? (account is null ? null : $"https://{account}.blob.core.windows.net");
        if (tableUri is null || blobUri is null)
        {
            throw new InvalidOperationException(
                $"No storage account is configured: set {SettingName} to a connection string, or {SettingName}__accountName " +
                $"(with {SettingName}__credential=managedidentity and {SettingName}__clientId for a user-assigned identity).");
        }

        var credential = CredentialFrom(section);
        return new StorageAccount(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential));
    }

    private static TokenCredential CredentialFrom(IConfigurationSection section)
    {
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(string.IsNullOrEmpty(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }
}
