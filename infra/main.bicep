// Installatron.Functions: Flex Consumption function app (dotnet-isolated 10.0, Durable Functions on Azure Storage),
// identity-based storage, Key Vault-held API keys and secrets key and Entra-authenticated Application Insights. Deployed by `azd up`.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to generate a unique token for resource names.')
param environmentName string

@minLength(1)
@description('Primary location for all resources.')
param location string

@description('Optional object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets the storage data roles for local debugging.')
param principalId string = ''

@secure()
@description('Primary API key callers send as X-API-KEY (azd env set INSTALLATRON_API_KEY ...).')
param apiKey string

@secure()
@description('Secondary API key, so keys can be rotated without downtime (azd env set INSTALLATRON_API_KEY2 ...).')
param apiKey2 string

@secure()
@description('Key that encrypts remote locations\' secrets at rest: 32 random bytes in base64 (azd env set INSTALLATRON_SECRETS_KEY "$(openssl rand -base64 32)").')
param secretsKey string

@secure()
@description('The previous secrets key while one is rotated, else another random key (azd env set INSTALLATRON_SECRETS_KEY2 ...).')
param secretsKey2 string
@description('SMTP server for email notifications (azd env set INSTALLATRON_SMTP_HOST ...); empty turns email off.')
param smtpHost string = ''

@description('SMTP port (INSTALLATRON_SMTP_PORT).')
param smtpPort string = '587'

@description('SMTP TLS mode: starttls, tls, auto or none (INSTALLATRON_SMTP_TLS).')
param smtpTls string = 'starttls'

@description('SMTP login (INSTALLATRON_SMTP_LOGIN); empty for none.')
param smtpLogin string = ''

@secure()
@description('SMTP password (INSTALLATRON_SMTP_PASSWORD); kept in Key Vault.')
param smtpPassword string = ''

@description('From address of notification mails (INSTALLATRON_SMTP_FROM).')
param smtpFrom string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    apiKey: apiKey
    apiKey2: apiKey2
    secretsKey: secretsKey
    secretsKey2: secretsKey2
    smtpPassword: smtpPassword
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    managedIdentityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    apiKeySecretUri: keyVault.outputs.apiKeyReferenceUri
    apiKey2SecretUri: keyVault.outputs.apiKey2ReferenceUri
    secretsKeySecretUri: keyVault.outputs.secretsKeyReferenceUri
    secretsKey2SecretUri: keyVault.outputs.secretsKey2ReferenceUri
    smtpHost: smtpHost
    smtpPort: empty(smtpPort) ? '587' : smtpPort
    smtpTls: empty(smtpTls) ? 'starttls' : smtpTls
    smtpLogin: smtpLogin
    smtpPasswordSecretUri: keyVault.outputs.smtpCredentialReferenceUri
    smtpFrom: smtpFrom
  }
  // The app resolves Key Vault references and reads its deployment package with the identity's roles.
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
