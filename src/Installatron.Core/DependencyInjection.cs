using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Installatron.Core;

public static class DependencyInjection
{
    /// <summary>Everything the product needs, for both hosts and the tests: options, storage, validation, handlers.</summary>
    public static IServiceCollection AddInstallatronCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstallatronOptions>().Bind(configuration.GetSection(InstallatronOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<InstallatronTables>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<InstallStore>();
        services.AddSingleton<CatalogStore>();

        services.AddSingleton<ApiKeyCheck>();
        services.AddSingleton<ApiGuard>();
        services.AddSingleton<InstallAccess>();
        services.AddSingleton<UpdateValidator>();
        services.AddSingleton<InstallImporter>();
        services.AddSingleton<VersionPublisher>();

        services.AddSingleton<InstallsApi>();
        services.AddSingleton<BrowserApi>();
        services.AddSingleton<UsersApi>();
        services.AddSingleton<OpenApiApi>();
        return services;
    }
}
