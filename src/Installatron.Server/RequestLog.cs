using System.Diagnostics;

namespace Installatron.Server;

/// <summary>
/// One log line per request: method, path, status and time — never the query string, which may hold secrets
/// (<c>db_pass</c>), nor a body. It replaces the web server's own request log (see SecretSafeLogging).
/// </summary>
internal static partial class RequestLog
{
    public static void UseRequestLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Installatron.Server.Requests");
        // Not even a timestamp when the line would not be written (the level is read per request: it may be changed while running).
        app.Use((context, next) => logger.IsEnabled(LogLevel.Information) ? LoggedAsync(logger, context, next) : next(context));
    }

    private static async Task LoggedAsync(ILogger logger, HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Answered(logger, context.Request.Method, context.Request.Path, context.Response.StatusCode,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {Milliseconds} ms")]
    private static partial void Answered(ILogger logger, string method, string path, int status, long milliseconds);
}
