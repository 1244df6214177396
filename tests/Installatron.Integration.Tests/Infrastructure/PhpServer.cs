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

    /// <summary>
    /// Starts PHP on a free port and waits until PHP itself says it listens there. A port found free can be taken by
    /// another process before PHP binds it; then PHP exits and a probe would reach the other server, so the port is
    /// trusted only on PHP's own word, and another is picked.
    /// </summary>
    public static async Task<PhpServer> StartAsync(string root)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartAsync(root) is { } server)
            {
                return server;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"PHP's built-in server did not start for {root} in 5 attempts.");
            }
        }
    }

    private static async Task<PhpServer?> TryStartAsync(string root)
    {
        var port = LoopbackPort.Free();
        ChildProcess process;
        try
        {
            // No opcode cache (on by default for the built-in server): a script replaced within its revalidation interval
            // (2 s) would otherwise still run as it was, and a broken update could look healthy.
            process = ChildProcess.Start("php", ["-d", "opcache.enable=0", "-S", $"127.0.0.1:{port}", "-t", root], new ChildProcessOptions { Name = "php -S" });
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
