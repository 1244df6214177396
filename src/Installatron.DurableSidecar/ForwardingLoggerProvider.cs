namespace Installatron.DurableSidecar;

/// <summary>Sends the sidecar host's logs (after its own filters) to the server's logging.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The server owns the target factory.
    }
}
