namespace Installatron.Core.Domain;

/// <summary>
/// A request refused with one of the <see cref="ErrorCodes"/>, and the parameter to blame when there is one. Thrown by
/// validation anywhere in the core; the API turns it into the seed's envelope and the errcode's HTTP status, so a
/// refusal can never be answered with the wrong status.
/// </summary>
public sealed class Refusal(string errcode, string? errfield, string message) : Exception(message)
{
    public string Errcode { get; } = errcode;

    public string? Errfield { get; } = errfield;

    /// <summary><c>invalid_argument_{name}</c>, blaming the parameter <paramref name="name"/>.</summary>
    public static Refusal InvalidArgument(string name, string problem) =>
        new(ErrorCodes.InvalidArgument(name), name, $"The parameter '{name}' {problem}.");
}
