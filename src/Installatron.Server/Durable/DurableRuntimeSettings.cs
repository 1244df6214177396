using System.Globalization;
using System.Text.RegularExpressions;
using Installatron.Core;
using Installatron.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace Installatron.Server.Durable;

/// <summary>
/// Where the embedded Durable Task runtime keeps its state: the task hub <see cref="TaskHub"/> (tables, queues and
/// blob containers named after it) in the <c>AzureWebJobsStorage</c> account, as Durable Functions would.
/// </summary>
/// <param name="LockTimeout">
/// How long a dequeued message stays invisible to other workers. Activity locks are renewed while an activity runs, so
/// this is not a limit on activity duration; it is how long work that was in flight when the process died waits before
/// it is delivered again.
/// </param>
public sealed partial record DurableRuntimeSettings(string TaskHub, string StorageConnectionString, TimeSpan LockTimeout)
{
    public const string TaskHubSetting = InstallatronOptions.Section + ":TaskHub";

    public const string LockTimeoutSetting = InstallatronOptions.Section + ":DurableLockTimeout";

    public const string DefaultTaskHub = "installatron";

    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    public static DurableRuntimeSettings From(IConfiguration configuration)
    {
        var taskHub = configuration[TaskHubSetting] is { Length: > 0 } configured ? configured : DefaultTaskHub;
        if (!TaskHubName().IsMatch(taskHub))
        {
            throw new InvalidOperationException(
                $"{TaskHubSetting} '{taskHub}' is not a valid task hub name: use 3 to 45 letters and digits, starting with a letter.");
        }

        var connectionString = configuration[StorageAccount.SettingName];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"The Durable Task runtime of the standalone server needs {StorageAccount.SettingName} as a connection string " +
                "(Azurite's, when the server starts its own); identity-based settings are for the Functions app.");
        }

        var lockTimeout = DefaultLockTimeout;
        if (configuration[LockTimeoutSetting] is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lockTimeout) || lockTimeout < TimeSpan.FromSeconds(5)))
        {
            throw new InvalidOperationException($"{LockTimeoutSetting} '{text}' must be a time span of at least 00:00:05.");
        }

        return new DurableRuntimeSettings(taskHub, connectionString, lockTimeout);
    }

    /// <summary>Azure Storage's rule for task hub names (they prefix table, queue and container names).</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex TaskHubName();
}
