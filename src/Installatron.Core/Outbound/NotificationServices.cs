using Installatron.Core.Outbound.Email;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Core.Outbound.Workflow;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Installatron.Core.Outbound;

public static class NotificationServices
{
    /// <summary>Email and webhook notifications: settings, stores, composer, senders (the webhook HTTP client with its address guard).</summary>
    public static IServiceCollection AddInstallatronNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(InstallatronOptions.Section))
            .Validate(o => o.ParseRetryDelays() is not null, "Installatron__NotificationRetryDelays must be a comma-separated list of positive durations (hh:mm:ss).")
            .Validate(o => SmtpTlsModes.All.Contains(o.SmtpTls.Trim().ToLowerInvariant()), "Installatron__SmtpTls must be starttls, tls, auto or none.")
            .ValidateOnStart();
        services.AddSingleton<NotificationTables>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<AnnouncementStore>();
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookPayloads>();
        services.AddSingleton<NotificationPlanner>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<NotificationDelivery>();
        services.AddSingleton<UpdateAnnouncer>();
        services.AddSingleton<AutoUpdateSweep>();
        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the sender's own limit applies
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Installatron.Functions/1.0 (webhooks)");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.CreateHandler(sp.GetRequiredService<IOptionsMonitor<NotificationOptions>>()));
        return services;
    }

    /// <summary>The delivery orchestration and the notification activities, for any Durable Task worker.</summary>
    public static DurableTaskRegistry AddInstallatronNotifications(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<DeliveryOrchestrator>()
        .AddActivity<NotifyActivity>()
        .AddActivity<DeliveryAttemptActivity>();
}
