namespace Installatron.Core.Sites.Access.Sftp;

/// <summary>
/// Keeps a site's server connections open between the steps of an update: a connection given back in good order
/// (<see cref="ReturnAsync"/>) waits here, idle, for the next step of the same account with the same settings (the same
/// server, pinned key, login and secrets: accounts never share one), for at most <c>idleTime</c>. Each connection
/// serves one step at a time. A connection is proved alive with one SFTP round trip before it is reused, and dropped
/// instead when it failed, lost its server or has waited too long; forwarded ports are closed when it comes back.
/// With an idle time of zero every step connects afresh.
/// </summary>
public sealed class SshConnectionPool(TimeSpan idleTime, TimeProvider time) : IAsyncDisposable
{
    private const int MaxIdlePerAccount = 4;

    private readonly Dictionary<SshSiteSettings, Stack<(SftpSiteFileSystem Files, long ReturnedAt)>> _idle = [];
    private readonly Lock _lock = new();
    private ITimer? _sweeper;
    private bool _disposed;

    /// <summary>An idle connection for <paramref name="settings"/> that still answers, or a new one.</summary>
    public async Task<SftpSiteFileSystem> RentAsync(SshSiteSettings settings, CancellationToken cancellationToken)
    {
        while (TakeIdle(settings) is { } idle)
        {
            if (await idle.IsAliveAsync(cancellationToken))
            {
                return idle;
            }

            await idle.DisposeAsync();
        }

        return await SftpSiteFileSystem.ConnectAsync(settings, cancellationToken);
    }

    /// <summary>Gives a connection back: kept for the next step when <paramref name="reusable"/> and still sound, closed otherwise.</summary>
    public async ValueTask ReturnAsync(SftpSiteFileSystem files, bool reusable)
    {
        if (reusable && idleTime > TimeSpan.Zero && files.IsSound && files.CloseForwardedPorts() && Keep(files))
        {
            return;
        }

        await files.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        List<SftpSiteFileSystem> closing;
        lock (_lock)
        {
            _disposed = true;
            _sweeper?.Dispose();
            closing = _idle.Values.SelectMany(stack => stack.Select(entry => entry.Files)).ToList();
            _idle.Clear();
        }

        foreach (var files in closing)
        {
            await files.DisposeAsync();
        }
    }

    private SftpSiteFileSystem? TakeIdle(SshSiteSettings settings)
    {
        lock (_lock)
        {
            while (_idle.TryGetValue(settings, out var stack) && stack.TryPop(out var entry))
            {
                if (stack.Count == 0)
                {
                    _idle.Remove(settings);
                }

                if (time.GetElapsedTime(entry.ReturnedAt) < idleTime)
                {
                    return entry.Files;
                }

                _ = entry.Files.DisposeAsync();
            }

            return null;
        }
    }

    private bool Keep(SftpSiteFileSystem files)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            if (!_idle.TryGetValue(files.Settings, out var stack))
            {
                stack = _idle[files.Settings] = new Stack<(SftpSiteFileSystem, long)>();
            }

            if (stack.Count >= MaxIdlePerAccount)
            {
                return false;
            }

            stack.Push((files, time.GetTimestamp()));
            _sweeper ??= time.CreateTimer(_ => Sweep(), null, idleTime, idleTime);
            return true;
        }
    }

    /// <summary>Closes the connections that waited longer than the idle time.</summary>
    private void Sweep()
    {
        var expired = new List<SftpSiteFileSystem>();
        lock (_lock)
        {
            foreach (var (settings, stack) in _idle.ToList())
            {
                // Bottom first, so that the stack rebuilt from what is kept has the same order.
                var kept = new List<(SftpSiteFileSystem Files, long ReturnedAt)>();
                foreach (var entry in stack.Reverse())
                {
                    if (time.GetElapsedTime(entry.ReturnedAt) < idleTime)
                    {
                        kept.Add(entry);
                    }
                    else
                    {
                        expired.Add(entry.Files);
                    }
                }

                if (kept.Count == 0)
                {
                    _idle.Remove(settings);
                }
                else
                {
                    _idle[settings] = new Stack<(SftpSiteFileSystem, long)>(kept);
                }
            }
        }

        foreach (var files in expired)
        {
            _ = files.DisposeAsync();
        }
    }
}
