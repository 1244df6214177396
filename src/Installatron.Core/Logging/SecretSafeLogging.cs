using Microsoft.Extensions.Logging;

namespace Installatron.Core.Logging;

/// <summary>
/// Log settings both hosts apply: the web server's own request logging ("Request starting … ?db_pass=…") writes
/// the whole query string, where the API accepts secrets such as <c>db_pass</c>; it is kept to warnings, and the
/// standalone server logs requests itself without their query.
/// </summary>
public static class SecretSafeLogging
{
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder AddInstallatronLogFilters(this ILoggingBuilder logging) =>
        logging.AddFilter(HostingDiagnostics, level => level >= LogLevel.Warning);
}
