using Installatron.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>The core's services (stores, handlers) on given tables, for a test's own reads and writes beside a server.</summary>
public static class CoreServices
{
    public static ServiceProvider For(string connectionString, string prefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Installatron:TablePrefix"] = prefix,
        }).Build();
        return new ServiceCollection().AddLogging().AddInstallatronCore(configuration).BuildServiceProvider();
    }
}
