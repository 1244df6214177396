using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Catalog;
using Installatron.Core.Outbound;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Core.Workflow.Activities;
using Installatron.Core.Workflow.Rollouts;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Installatron.Core;

public static class DependencyInjection
{
    /// <summary>Everything the product needs, for both hosts and the tests: options, storage, validation, handlers.</summary>
    public static IServiceCollection AddInstallatronCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstallatronOptions>().Bind(configuration.GetSection(InstallatronOptions.Section)).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<InstallatronTables>();
        services.AddSingleton<SecretBox>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<InstallStore>();
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<PackageCache>();
        services.AddSingleton<RecipeBook>();
        services.AddSingleton<TaskStore>();
        services.AddSingleton<LeaseStore>();
        services.AddSingleton<BackupStore>();
        services.AddSingleton<StoreBackups>();
        services.AddSingleton<BlobStoreBackups>();
        services.AddSingleton<SiteRestorer>();
        services.AddSingleton<BackupRetention>();
        services.AddSingleton<CoreChecksumStore>();
        services.AddSingleton<RolloutStore>();
        services.AddSingleton<RolloutMemberStore>();
        services.AddSingleton<RolloutCounts>();
        services.AddSingleton<SlotStore>();
        services.AddSingleton<IValidateOptions<InstallatronOptions>, InstallatronOptionsValidator>();

        services.AddSingleton<ApiKeyCheck>();
        services.AddSingleton<ApiGuard>();
        services.AddSingleton<InstallAccess>();
        services.AddSingleton<UpdateValidator>();
        services.AddSingleton<InstallImporter>();
        services.AddSingleton<VersionPublisher>();
        services.AddSingleton<InstallView>();

        services.AddSingleton<BackupLocations>();
        services.AddSingleton<UpdatePreflight>();
        services.AddSingleton<UpdateStarter>();
        services.AddSingleton<UpdateAnswers>();
        services.AddSingleton<Microsoft.DurableTask.Worker.IExceptionPropertiesProvider, StepFailureProperties>();
        services.AddSingleton<AutoUpdater>();
        services.AddSingleton<RolloutControl>();
        services.AddSingleton<UpdateWork>();
        services.AddSingleton<SiteAccess>();
        services.AddSingleton<PackageApplier>();
        services.AddSingleton<SiteHealth>();
        services.AddSingleton<SiteOpcache>();
        services.AddHttpClient(SiteHealth.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) });
        services.AddHttpClient(SiteHealth.UpgradeClientName, client => client.Timeout = TimeSpan.FromMinutes(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) });
        services.AddSingleton<CoreIntegrityCheck>();
        services.AddCatalogSync();
        services.TryAddSingleton<UpdateFaults>();
        services.AddTransient<PreflightActivity>();
        services.AddTransient<HealthBaselineActivity>();
        services.AddTransient<BackupActivity>();
        services.AddTransient<ApplyActivity>();
        services.AddTransient<VerifyActivity>();
        services.AddTransient<HealthCheckActivity>();
        services.AddTransient<RevertActivity>();
        services.AddTransient<RestoreActivity>();
        services.AddSingleton<RestoreStarter>();
        services.AddTransient<FinalizeActivity>();
        services.AddTransient<PlanPageActivity>();
        services.AddTransient<ClaimRunnersActivity>();
        services.AddTransient<FinishSweepActivity>();
        services.AddTransient<TakeWaveActivity>();
        services.AddTransient<StartMembersActivity>();
        services.AddTransient<RecordOutcomesActivity>();
        services.AddTransient<FinishRunActivity>();
        services.AddTransient<AdvanceActivity>();

        services.AddSingleton<InstallsApi>();
        services.AddSingleton<BrowserApi>();
        services.AddSingleton<UsersApi>();
        services.AddSingleton<TasksApi>();
        services.AddSingleton<BackupsApi>();
        services.AddSingleton<OpenApiApi>();
        services.AddSingleton<CatalogApi>();
        services.AddSingleton<RolloutsApi>();
        services.AddSingleton<WebhooksApi>();
        services.AddInstallatronNotifications(configuration);
        services.AddSingleton<Outbound.Webhooks.ErrcodeStatus>(ErrorStatuses.StatusOf);
        return services;
    }

    /// <summary>The catalog sync from a WordPress.org-style source, with its HTTP client.</summary>
    private static void AddCatalogSync(this IServiceCollection services)
    {
        services.AddSingleton<WordPressOrgSource>();
        services.AddSingleton<ReleaseImporter>();
        services.AddSingleton<CoreReleases>();
        services.AddSingleton<ComponentReleases>();
        services.AddSingleton<CatalogSync>();
        services.AddHttpClient(WordPressOrgSource.ClientName, client =>
            {
                client.Timeout = TimeSpan.FromMinutes(10);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Installatron.Functions/1.0 (catalog sync)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(15),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
    }

    /// <summary>The update orchestration and its activities, the sweep and the rollouts, for any Durable Task worker (standalone server, tests).</summary>
    public static DurableTaskRegistry AddInstallatronWorkflow(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<UpdateInstallOrchestrator>()
        .AddActivity<PreflightActivity>()
        .AddActivity<HealthBaselineActivity>()
        .AddActivity<BackupActivity>()
        .AddActivity<ApplyActivity>()
        .AddActivity<VerifyActivity>()
        .AddActivity<HealthCheckActivity>()
        .AddActivity<RevertActivity>()
        .AddActivity<FinalizeActivity>()
        .AddOrchestrator<SweepOrchestrator>()
        .AddOrchestrator<RolloutOrchestrator>()
        .AddActivity<PlanPageActivity>()
        .AddActivity<ClaimRunnersActivity>()
        .AddActivity<FinishSweepActivity>()
        .AddActivity<TakeWaveActivity>()
        .AddActivity<StartMembersActivity>()
        .AddActivity<RecordOutcomesActivity>()
        .AddActivity<FinishRunActivity>()
        .AddActivity<AdvanceActivity>()
        .AddOrchestrator<RestoreInstallOrchestrator>()
        .AddActivity<RestoreActivity>()
        .AddInstallatronNotifications();
}
