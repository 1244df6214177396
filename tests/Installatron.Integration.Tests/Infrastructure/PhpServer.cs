using Installatron.Processes;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>PHP's built-in web server serving a site folder on a free loopback port; stopped by its PID.</summary>
public sealed class PhpServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private PhpServer(ChildProcess process, int port)
    {
        _process = process;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>What PHP printed: its start line and one line per request (<c>[200]: GET /path</c>).</summary>
    public string Output => _process.Output;

    /// <summary>No opcode cache (on by default for the built-in server): a script replaced within its revalidation interval (2 s) would otherwise still run as it was, and a broken update could look healthy.</summary>
    public static readonly IReadOnlyList<string> NoOpcache = ["opcache.enable=0"];

    /// <summary>OPcache as PHP ships it: timestamps checked at most every 2 s.</summary>
    public static readonly IReadOnlyList<string> DefaultOpcache = ["opcache.enable=1", "opcache.validate_timestamps=1", "opcache.revalidate_freq=2"];

    /// <summary>
    /// Starts PHP on a free port and waits until PHP itself says it listens there. A port found free can be taken by
    /// another process before PHP binds it; then PHP exits and a probe would reach the other server, so the port is
    /// trusted only on PHP's own word, and another is picked.
    /// </summary>
    /// <param name="settings">PHP settings (<c>-d</c>); <see cref="NoOpcache"/> unless given.</param>
    public static async Task<PhpServer> StartAsync(string root, IReadOnlyList<string>? settings = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartAsync(root, settings ?? NoOpcache) is { } server)
            {
                return server;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"PHP's built-in server did not start for {root} in 5 attempts.");
            }
        }
    }

    private static async Task<PhpServer?> TryStartAsync(string root, IReadOnlyList<string> settings)
    {
        var port = LoopbackPort.Free();
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("php", [.. settings.SelectMany(s => new[] { "-d", s }), "-S", $"127.0.0.1:{port}", "-t", root],
                new ChildProcessOptions { Name = "php -S" });
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("PHP is not installed: `apt-get install -y php-cli` (.ci/run does it).", e);
        }

        // "[date] PHP 8.2.x Development Server (http://127.0.0.1:PORT) started", or "Failed to listen on …".
        var started = $"(http://127.0.0.1:{port}) started";
        await process.WaitForOutputAsync(output => output.Contains(started, StringComparison.Ordinal)
            || output.Contains("Failed to listen", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        if (process.Output.Contains(started, StringComparison.Ordinal) && !process.HasExited)
        {
            return new PhpServer(process, port);
        }

        await process.DisposeAsync();
        return null;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
