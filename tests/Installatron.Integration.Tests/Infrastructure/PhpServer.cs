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

    public static async Task<PhpServer> StartAsync(string root)
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

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PhpServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
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
