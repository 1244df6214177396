using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Installatron.Core;
using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Catalog;
using Installatron.Core.Domain;
using Installatron.Core.Storage;
using Installatron.Core.Workflow;
using Installatron.Server.Demo;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>
/// The core with the update workflow on the in-memory Durable backend (fast; no crash recovery), real tables on
/// Azurite, real site files with the seed's demo data, and injectable faults. One per test.
/// </summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private WorkflowHarness(IHost host, string dataPath)
    {
        _host = host;
        DataPath = dataPath;
    }

    public string DataPath { get; }

    public IServiceProvider Services => _host.Services;

    public TestFaults Faults => Services.GetRequiredService<TestFaults>();

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public string SitePath => Path.Combine(DataPath, "demo", "home", DemoData.User, "public_html", "staging");

    /// <param name="settings">More settings (<c>Installatron:CatalogSourceUrl</c>, …).</param>
    /// <param name="tableRequests">Counts every request to the tables, when given.</param>
    public static async Task<WorkflowHarness> StartAsync(
        int syncWaitSeconds = 60, IReadOnlyDictionary<string, string?>? settings = null, TableRequestCounter? tableRequests = null)
    {
        // The in-memory Durable backend listens on a port it picks at random; on a busy machine that port can be
        // taken by another test's server in between. Another pick fixes it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(syncWaitSeconds, settings ?? new Dictionary<string, string?>(), tableRequests);
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<WorkflowHarness> TryStartAsync(int syncWaitSeconds, IReadOnlyDictionary<string, string?> settings, TableRequestCounter? tableRequests)
    {
        var azurite = await SharedAzurite.GetAsync();
        var dataPath = TestIds.NewTempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Installatron:Key"] = ApiServer.Key,
            ["Installatron:TablePrefix"] = TestIds.NewPrefix(),
            ["Installatron:SyncWaitSeconds"] = syncWaitSeconds.ToString(),
            ["Installatron:SecretsKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // No test reaches the public catalog source; a test that syncs names its own local one.
            ["Installatron:CatalogSourceUrl"] = "",
        }).AddInMemoryCollection(settings).Build();

        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(services =>
            {
                services.AddSingleton<TestFaults>();
                services.AddSingleton<UpdateFaults>(sp => sp.GetRequiredService<TestFaults>());
                if (tableRequests is not null)
                {
                    var options = new TableClientOptions();
                    options.AddPolicy(tableRequests, HttpPipelinePosition.PerCall);
                    services.AddSingleton(new StorageAccount(
                        new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString)));
                }

                services.AddInstallatronCore(configuration);
                services.AddSingleton<DemoData>();
                services.AddInMemoryDurableTask(registry => registry.AddInstallatronWorkflow());
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            Directory.Delete(dataPath, recursive: true);
            throw;
        }

        await host.Services.GetRequiredService<DemoData>().EnsureAsync(dataPath, CancellationToken.None);
        return new WorkflowHarness(host, dataPath);
    }

    /// <summary>POST /installs/{id}/update through the same handler both hosts call.</summary>
    public async Task<Envelope> UpdateAsync(string body, string installId = DemoData.InstallId, string? idempotencyKey = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        if (idempotencyKey is not null)
        {
            context.Request.Headers["Idempotency-Key"] = idempotencyKey;
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        var result = await Services.GetRequiredService<InstallsApi>().UpdateAsync(context.Request, installId, Client, CancellationToken.None);
        return result.Envelope;
    }

    /// <summary>POST /installs (import) through the handler.</summary>
    public async Task<Envelope> ImportAsync(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return (await Services.GetRequiredService<InstallsApi>().ImportAsync(context.Request, CancellationToken.None)).Envelope;
    }

    /// <summary>Publishes a version of an application with its package file, auto-updatable from any older version.</summary>
    public async Task PublishAsync(string application, string version, string packagePath)
    {
        await using var package = File.OpenRead(packagePath);
        await Services.GetRequiredService<VersionPublisher>().PublishAsync(
            new VersionDraft(application, AppVersion.Parse(version), null, [UpgradeRule.AutoFromAnything], new Requirements()),
            package, CancellationToken.None);
    }

    public async Task<Envelope> GetTaskAsync(string taskId, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.QueryString = new QueryString(query);
        var result = await Services.GetRequiredService<TasksApi>().GetAsync(context.Request, taskId, Client, CancellationToken.None);
        return result.Envelope;
    }

    public async Task<Envelope> ListTasksAsync(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-API-KEY"] = ApiServer.Key;
        context.Request.QueryString = new QueryString(query);
        return (await Services.GetRequiredService<TasksApi>().ListAsync(context.Request, Client, CancellationToken.None)).Envelope;
    }

    /// <summary>Runs an automatic-update sweep to its end (its rollouts included) and returns what it did.</summary>
    public async Task<Core.Workflow.Rollouts.SweepOutcome> SweepAsync(TimeSpan? timeout = null)
    {
        var start = await Services.GetRequiredService<AutoUpdater>().RunOnceAsync(Client, CancellationToken.None);
        Assert.True(start.Started, $"A sweep is still running: {start.SweepId}");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        var instance = await Client.WaitForInstanceCompletionAsync(start.SweepId, getInputsAndOutputs: true, cancel.Token);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"The sweep ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
        return instance.ReadOutputAs<Core.Workflow.Rollouts.SweepOutcome>()!;
    }

    public async Task<UpdateTask> WaitForTaskAsync(string taskId, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await Client.WaitForInstanceCompletionAsync(taskId, cancel.Token);
        return (await Services.GetRequiredService<TaskStore>().GetAsync(taskId, CancellationToken.None))!.Value;
    }

    public async Task<Install> InstallAsync(string id = DemoData.InstallId) =>
        (await Services.GetRequiredService<InstallStore>().GetAsync(id, CancellationToken.None))!.Value;

    public async Task ChangeInstallAsync(Func<Install, Install> change)
    {
        var store = Services.GetRequiredService<InstallStore>();
        var stored = (await store.GetAsync(DemoData.InstallId, CancellationToken.None))!;
        await store.ReplaceAsync(change(stored.Value), stored.ETag, CancellationToken.None);
    }

    public async Task ChangeOwnerAsync(Func<HostingUser, HostingUser> change)
    {
        var store = Services.GetRequiredService<UserStore>();
        var stored = (await store.GetAsync(DemoData.User, CancellationToken.None))!;
        await store.ReplaceAsync(change(stored.Value), stored.ETag, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}

/// <summary>Fails (or pauses) an update at a chosen point, once or every time.</summary>
public sealed class TestFaults : UpdateFaults
{
    private string? _failAt;

    public TaskCompletionSource? Gate { get; set; }

    public string? GateAt { get; set; }

    /// <summary>Runs at a point, before any failure injected there.</summary>
    public Action<string>? OnPoint { get; set; }

    public void FailAt(string point) => _failAt = point;

    public override async Task AtAsync(string point, string taskId, CancellationToken cancellationToken)
    {
        OnPoint?.Invoke(point);
        if (point == GateAt && Gate is not null)
        {
            await Gate.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        if (point == _failAt)
        {
            // Apply turns I/O errors into its own failure; verify reports a mismatch as its verdict.
            throw point == BeforeVerify
                ? new UpdateStepException(Core.Domain.ErrorCodes.FailedVerify, $"Injected failure at {point} of task {taskId}.")
                : new IOException($"Injected failure at {point} of task {taskId}.");
        }
    }
}
