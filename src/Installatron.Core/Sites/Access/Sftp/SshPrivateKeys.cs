namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>Checks a private key given for a remote location before it is stored.</summary>
public static class SshPrivateKeys
{
    /// <summary>True when <paramref name="privateKey"/> is an OpenSSH (or PEM) private key that <paramref name="passphrase"/> opens.</summary>
    public static bool CanRead(string privateKey, string? passphrase)
    {
        using var key = SshConnector.ReadPrivateKey(privateKey, passphrase);
        return key is not null;
    }
}
