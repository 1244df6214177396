using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>PHP's built-in web server serving a site folder on a free loopback port; stopped by its PID.</summary>
public sealed class PhpServer : IAsyncDisposable
{
    private readonly Process _process;

    private PhpServer(Process process, int port)
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
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("php") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-S", $"127.0.0.1:{port}", "-t", root })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("PHP is not installed: `apt-get install -y php-cli` (.ci/run does it).", e);
        }

        // "[date] PHP 8.2.x Development Server (http://127.0.0.1:PORT) started", or "Failed to listen on …".
        var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler watch = (_, line) =>
        {
            if (line.Data?.Contains($"(http://127.0.0.1:{port}) started", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(true);
            }
            else if (line.Data?.Contains("Failed to listen", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(false);
            }
        };
        process.OutputDataReceived += watch;
        process.ErrorDataReceived += watch;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetResult(false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PhpServer(process, port);
        bool started;
        try
        {
            started = await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            started = false;
        }

        if (started && !process.HasExited)
        {
            return server;
        }

        await server.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
