// Key Vault (RBAC authorization, soft delete) holding the two API keys callers may send as X-API-KEY, the keys that
// encrypt remote locations' secrets at rest (the current one and the previous one during a rotation), and the SMTP
// password when there is one.
@description('Name of the key vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the key vault.')
param tags object = {}

@description('Primary API key (stored as a secret).')
@secure()
param apiKey string

@description('Secondary API key, for rotation (stored as a secret).')
@secure()
param apiKey2 string

@description('Key that encrypts remote locations\' secrets (32 random bytes in base64; stored as a secret).')
@secure()
param secretsKey string

@description('The previous secrets key during a rotation (stored as a secret).')
@secure()
param secretsKey2 string

@description('SMTP password for email notifications (stored as a secret when not empty).')
@secure()
param smtpPassword string = ''

@description('Name of the secret holding the primary API key.')
param apiKeySecretName string = 'installatron-key'

@description('Name of the secret holding the secondary API key.')
param apiKey2SecretName string = 'installatron-key2'

@description('Name of the secret holding the secrets key.')
param secretsKeySecretName string = 'installatron-secrets-key'

@description('Name of the secret holding the previous secrets key.')
param secretsKey2SecretName string = 'installatron-secrets-key2'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource keySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: apiKeySecretName
  properties: {
    value: apiKey
    contentType: 'text/plain'
  }
}

resource key2Secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: apiKey2SecretName
  properties: {
    value: apiKey2
    contentType: 'text/plain'
  }
}

resource secretsKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretsKeySecretName
  properties: {
    value: secretsKey
    contentType: 'text/plain'
  }
}

resource secretsKey2Secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretsKey2SecretName
  properties: {
    value: secretsKey2
    contentType: 'text/plain'
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'installatron-smtp-password'
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

output name string = vault.name
output resourceId string = vault.id
output vaultUri string = vault.properties.vaultUri
// Versionless URIs: a Key Vault reference follows the latest version, so rotating a key needs no redeploy.
output apiKeyReferenceUri string = keySecret.properties.secretUri
output apiKey2ReferenceUri string = key2Secret.properties.secretUri
output secretsKeyReferenceUri string = secretsKeySecret.properties.secretUri
output secretsKey2ReferenceUri string = secretsKey2Secret.properties.secretUri
// The SMTP password's versionless URI, or '' when no password was given (then no secret exists).
output smtpCredentialReferenceUri string = smtpPasswordSecret.?properties.secretUri ?? ''
