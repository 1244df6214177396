namespace Installatron.Core.Outbound;

/// <summary>What one attempt to deliver a notification came to.</summary>
public sealed record SendResult(bool Success, int? StatusCode, string Error, string ResponseExcerpt)
{
    public static SendResult Failed(string error) => new(false, null, error, "");
}
