using Installatron.Server.Azurite;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// One in-memory Azurite for the whole test run, on free ports; every test isolates itself with its own table
/// prefix. Stopped when the test process exits.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteProcess>> Process = new(StartAsync);

    public static Task<AzuriteProcess> GetAsync() => Process.Value;

    private static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync(RepositoryPaths.Root, location: null, TextWriter.Null, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite;
    }
}
