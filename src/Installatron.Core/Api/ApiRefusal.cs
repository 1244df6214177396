namespace Installatron.Core.Api;

/// <summary>
/// A request refused with one of the seed's errcodes. Thrown by validation anywhere in the core and turned into the
/// envelope by <see cref="ApiGuard"/>, so a refusal can never be answered with the wrong status.
/// </summary>
public sealed class ApiRefusal(string errcode, string? errfield, string message) : Exception(message)
{
    public string Errcode { get; } = errcode;

    public string? Errfield { get; } = errfield;

    public int Status { get; } = ErrorCodes.StatusOf(errcode);

    public ApiResult ToResult() => ApiResult.Failure(Errcode, Errfield, Message);
}
