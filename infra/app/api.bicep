// Flex Consumption (FC1, Linux) plan + the Installatron.Functions app (dotnet-isolated 10.0, Durable Functions).
@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to the plan and the app (the app also gets azd-service-name).')
param tags object = {}

@description('azd service name this app hosts (azure.yaml).')
param serviceName string = 'api'

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account (AzureWebJobsStorage).')
param storageAccountName string

@description('Primary blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string

@description('Primary queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Primary table endpoint of the storage account.')
param storageTableEndpoint string

@description('Blob container the app package is deployed to.')
param deploymentContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Versionless Key Vault secret URI of the primary API key.')
param apiKeySecretUri string

@description('Versionless Key Vault secret URI of the secondary API key.')
param apiKey2SecretUri string

@description('Versionless Key Vault secret URI of the key that encrypts remote locations\' secrets.')
param secretsKeySecretUri string

@description('Versionless Key Vault secret URI of the previous secrets key (rotation).')
param secretsKey2SecretUri string

@description('NCRONTAB schedule (six fields) of the automatic-update sweep.')
param autoUpdateSchedule string = '0 0 */6 * * *'

@description('NCRONTAB schedule (six fields) of the catalog sync.')
param catalogSyncSchedule string = '0 30 */12 * * *'

@description('SMTP server for email notifications; empty turns email notifications off.')
param smtpHost string = ''

@description('SMTP port.')
param smtpPort string = '587'

@description('SMTP TLS mode: starttls, tls, auto or none.')
@allowed(['starttls', 'tls', 'auto', 'none'])
param smtpTls string = 'starttls'

@description('SMTP login; empty for none.')
param smtpLogin string = ''

@description('Versionless Key Vault secret URI of the SMTP password; empty when there is none.')
param smtpPasswordSecretUri string = ''

@description('From address of notification mails; empty for installatron@<smtpHost>.')
param smtpFrom string = ''

@description('Maximum number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: the runtime is in functionAppConfig.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
      AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
      AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
      Installatron__Key: '@Microsoft.KeyVault(SecretUri=${apiKeySecretUri})'
      Installatron__Key2: '@Microsoft.KeyVault(SecretUri=${apiKey2SecretUri})'
      Installatron__SecretsKey: '@Microsoft.KeyVault(SecretUri=${secretsKeySecretUri})'
      Installatron__SecretsKey2: '@Microsoft.KeyVault(SecretUri=${secretsKey2SecretUri})'
      Installatron__SmtpHost: smtpHost
      Installatron__SmtpPort: smtpPort
      Installatron__SmtpTls: smtpTls
      Installatron__SmtpLogin: smtpLogin
      Installatron__SmtpPassword: empty(smtpPasswordSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${smtpPasswordSecretUri})'
      Installatron__SmtpFrom: smtpFrom
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      INSTALLATRON_AUTOUPDATE_SCHEDULE: autoUpdateSchedule
      INSTALLATRON_CATALOGSYNC_SCHEDULE: catalogSyncSchedule
    }
  }

  // No FTP and no basic-auth (publishing profile) access to SCM: deployments authenticate with Entra ID.
  resource ftpPolicy 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPolicy 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output resourceId string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
output uri string = 'https://${functionApp.properties.defaultHostName}'
