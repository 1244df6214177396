namespace Installatron.Core.Api;

/// <summary>The seed's response envelope, fields in the seed's order; every response of this API has exactly these six.</summary>
public sealed record Envelope(bool Result, int Status, string? Errcode, string? Errfield, string Message, object? Data);
