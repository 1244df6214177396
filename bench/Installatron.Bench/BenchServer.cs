using Installatron.Processes;

namespace Installatron.Bench;

/// <summary>The standalone server (its Release build) as a child process of the benchmark, and the repository it runs from.</summary>
public static class BenchServer
{
    public const string Key = "bench-key-0123456789abcdef0123456789";

    /// <summary>Starts the server on a free loopback port with <paramref name="arguments"/> and waits until it says where it listens.</summary>
    public static async Task<(ChildProcess Process, Uri Url)> StartAsync(string root, string name, IReadOnlyList<string> arguments)
    {
        var server = Path.Combine(root, "src", "Installatron.Server", "bin", "Release", "net10.0", "Installatron.Server.dll");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start("dotnet", [server, "--urls", "http://127.0.0.1:0", "--Installatron:Key", Key, .. arguments], new ChildProcessOptions
        {
            Name = name,
            OnLine = line =>
            {
                var at = line.IndexOf("listening on ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    listening.TrySetResult(new Uri(line[(at + "listening on ".Length)..].Trim()));
                }
            },
        });
        try
        {
            return (process, await listening.Task.WaitAsync(TimeSpan.FromMinutes(2)));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static HttpClient Client(Uri url) =>
        new() { BaseAddress = url, Timeout = TimeSpan.FromMinutes(4), DefaultRequestHeaders = { { "X-API-KEY", Key } } };

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Installatron.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from the repository's bench build.");
    }
}
