using System.Runtime.CompilerServices;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>Settings every host these tests start (in this process or as a child) inherits.</summary>
internal static class TestEnvironment
{
    /// <summary>
    /// No configuration file watchers: each host would hold inotify instances (128 per user on Linux), and the tests
    /// start dozens of hosts, some at once; none of them changes its configuration files while it runs.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
