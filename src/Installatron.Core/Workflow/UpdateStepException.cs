using System.Text.RegularExpressions;
using Installatron.Core.Api;

namespace Installatron.Core.Workflow;

/// <summary>
/// A step that failed for a reason retrying will not fix, with the errcode the task will report. Its message travels
/// through Durable's failure details as <c>[errcode] message</c>.
/// </summary>
public sealed partial class UpdateStepException(string errcode, string message) : Exception($"[{errcode}] {message}")
{
    public string Errcode { get; } = errcode;

    public string Reason { get; } = message;

    public static UpdateStepException From(ApiRefusal refusal) => new(refusal.Errcode, refusal.Message);

    /// <summary>The errcode and message of a failure as Durable reports it; unknown failures get <paramref name="fallback"/>.</summary>
    public static (string Errcode, string Message) Parse(string? failureMessage, string fallback)
    {
        var match = failureMessage is null ? null : Coded().Match(failureMessage);
        return match is { Success: true }
            ? (match.Groups["code"].Value, match.Groups["message"].Value)
            : (fallback, failureMessage ?? "The step failed.");
    }

    [GeneratedRegex(@"\[(?<code>[a-z_]+)\] (?<message>.*)", RegexOptions.Singleline)]
    private static partial Regex Coded();
}
