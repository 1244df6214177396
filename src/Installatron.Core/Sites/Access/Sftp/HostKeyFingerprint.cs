namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>Host key fingerprints as <c>ssh-keygen -lf</c> prints them: <c>SHA256:</c> and unpadded base64.</summary>
public static class HostKeyFingerprint
{
    public const string Prefix = "SHA256:";

    /// <summary>The canonical form of a fingerprint, or <c>null</c> when it is not one.</summary>
    public static string? Normalize(string? text)
    {
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var body = text[Prefix.Length..].TrimEnd('=');
        return body.Length == 43 && body.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/') ? Prefix + body : null;
    }

    /// <summary>The fingerprint of a key given as SSH.NET reports it (unpadded base64 of its SHA-256).</summary>
    public static string FromSshNet(string sha256Base64) => Prefix + sha256Base64.TrimEnd('=');
}
