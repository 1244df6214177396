using Installatron.Core.Api;
using Installatron.Core.Api.Handlers;
using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Workflow;
using Installatron.Integration.Tests.Infrastructure;
using Installatron.Server.Demo;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Installatron.Integration.Tests.Outbound;

/// <summary>Email notifications through a real SMTP server (aiosmtpd) the test starts: what is sent, to whom, how often.</summary>
public sealed class NotificationEmailTests(ITestOutputHelper output)
{
    private const string OwnerEmail = "username@website.com";
    private const string DbPass = "dAtAbAsEpAs5//0rD";

    [Fact]
    public async Task Update_Succeeds_OneUpdateMailToTheOwnerWithItsLogin()
    {
        await using var smtp = await SmtpSink.StartAsync("notifier", "smtp-pass-0123456789");
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp));
        await harness.ChangeInstallAsync(i => i with { Notification = Notifications.All, Email = "" });

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        var id = OutboxEntry.IdFor(task.Id, NotificationEvents.Update, "email:" + OwnerEmail);
        Assert.Equal(OutboxStatuses.Sent, (await harness.WaitFinishedAsync(id)).Status);
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal([OwnerEmail], mail.Recipients);
        Assert.Equal("notifier", mail.Login);
        Assert.Equal($"{id}@installatron", mail.Message.MessageId);
        Assert.Equal("[Installatron] WordPress at http://website.com/staging was updated to 6.7.3", mail.Subject);
        Assert.Contains("6.7.2 → 6.7.3", mail.Text);
        Assert.Contains($"kept: {task.BackupId}", mail.Text);
        Assert.Contains("6.7.2 → 6.7.3", mail.Html);
        Assert.DoesNotContain(DbPass, mail.Text + mail.Html);
        Assert.DoesNotContain("smtp-pass", mail.Text + mail.Html);

        await smtp.AssertNoMoreThanAsync(1);
    }

    [Fact]
    public async Task Update_Reverted_OneUpdateErrorMailWithTheErrcodeToTheInstallsAddress()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp));
        await harness.ChangeInstallAsync(i => i with { Notification = [NotificationEvents.UpdateError], Email = "admin@website.com" });
        harness.Faults.FailAt(UpdateFaults.BeforeVerify);

        var envelope = await harness.UpdateAsync("""{"revert": true}""");

        Assert.Equal(ErrorCodes.FailedVerify, envelope.Errcode);
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal(["admin@website.com"], mail.Recipients);
        Assert.Equal("", mail.Login);
        Assert.Equal("[Installatron] The update of WordPress at http://website.com/staging to 6.7.3 failed and was reverted (failed_verify)", mail.Subject);
        Assert.Contains("failed_verify", mail.Text);
        Assert.Contains("yes: the site was restored from the backup", mail.Text);
        Assert.Contains("as before the update", mail.Text);
        Assert.Contains("failed_verify", mail.Html);

        await smtp.AssertNoMoreThanAsync(1);
    }

    [Fact]
    public async Task Update_NotificationListEmpty_NoMailButWebhooksStillSent()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp));
        await harness.ChangeInstallAsync(i => i with { Notification = [] });
        await harness.RegisterAsync(receiver);

        Assert.True((await harness.UpdateAsync("{}")).Result);
        var answered = DateTimeOffset.UtcNow;

        // The webhook arrives: the notifications of this task were handled, and no mail was among them.
        var delivered = Assert.Single(await receiver.WaitForEventsAsync(1));
        output.WriteLine($"webhook arrived {(delivered.At - answered).TotalMilliseconds:0} ms after the synchronous update answered (in-memory backend)");
        await smtp.AssertNoMoreThanAsync(0);
    }

    [Fact]
    public async Task Sweep_NewVersions_AnnouncedOnceAcrossSweeps()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp));
        await harness.ChangeInstallAsync(i => i with { Notification = Notifications.All, Email = "", Autoup = "none" });
        var sweep = harness.Services.GetRequiredService<AutoUpdateSweep>();

        await sweep.RunOnceAsync(harness.Client, CancellationToken.None);
        // WordPress 6.7.3, and the demo catalog's newer akismet and twentytwentyfive.
        var first = await smtp.WaitForAsync(3);
        Assert.Equal(
            ["[Installatron] WordPress 6.7.3 is available for http://website.com/staging", "[Installatron] akismet 5.3.7 is available for http://website.com/staging",
             "[Installatron] twentytwentyfive 1.2 is available for http://website.com/staging"],
            first.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(first, m => Assert.Equal([OwnerEmail], m.Recipients));

        await sweep.RunOnceAsync(harness.Client, CancellationToken.None);
        await smtp.AssertNoMoreThanAsync(3);

        await harness.PublishAsync(Applications.WordPress, "6.7.4", await PackageFileAsync(harness, "6.7.4"));
        await sweep.RunOnceAsync(harness.Client, CancellationToken.None);
        var third = await smtp.WaitForAsync(4);
        Assert.Equal("[Installatron] WordPress 6.7.4 is available for http://website.com/staging", third[^1].Subject);
        Assert.Contains("runs 6.7.2", third[^1].Text);
        await smtp.AssertNoMoreThanAsync(4);
    }

    [Fact]
    public async Task Sweep_AutomaticUpdateStarted_UpdateMailInsteadOfAvailable()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings(smtp));
        await harness.ChangeInstallAsync(i => i with { Notification = [NotificationEvents.Update, NotificationEvents.UpdateAvailable], Autoup = "minor" });

        var run = await harness.Services.GetRequiredService<AutoUpdateSweep>().RunOnceAsync(harness.Client, CancellationToken.None);

        Assert.True(run.Started);
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("[Installatron] WordPress at http://website.com/staging was updated to 6.7.3", mail.Subject);
        Assert.Contains("(automatic update)", mail.Text);
        await smtp.AssertNoMoreThanAsync(1);
    }

    [Fact]
    public async Task Update_NoSmtpSettings_MailSkippedAndLoggedUpdateUnaffected()
    {
        await using var harness = await WorkflowHarness.StartAsync(settings: NotificationHarness.Settings());
        await harness.ChangeInstallAsync(i => i with { Notification = Notifications.All });

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        Assert.Equal(TaskStatuses.Complete, task.Status);
        var entry = await harness.OutboxAsync(OutboxEntry.IdFor(task.Id, NotificationEvents.Update, "email:admin@website.com"));
        Assert.Equal(OutboxStatuses.Skipped, entry?.Status);
        Assert.Contains("No SMTP server", entry!.LastError);
        Assert.Null(entry.Mail);
    }

    [Fact]
    public async Task Update_SmtpRefusesTheLogin_AttemptFailsAndIsRetriedWithoutThePasswordAnywhere()
    {
        const string wrong = "wrong-smtp-pass-9876543210";
        await using var smtp = await SmtpSink.StartAsync("notifier", "right-smtp-pass-0123456789");
        var settings = NotificationHarness.Settings(smtp);
        settings["Installatron:SmtpPassword"] = wrong;
        await using var harness = await WorkflowHarness.StartAsync(settings: settings);
        await harness.ChangeInstallAsync(i => i with { Notification = Notifications.All });

        var envelope = await harness.UpdateAsync("{}");

        Assert.True(envelope.Result, envelope.Message);
        var task = Assert.Single(((TaskPage)(await harness.ListTasksAsync()).Data!).Tasks);
        var id = OutboxEntry.IdFor(task.Id, NotificationEvents.Update, "email:admin@website.com");
        var entry = await harness.OutboxAsync(id);
        for (var i = 0; i < 200 && entry is not { Attempts: >= 2 }; i++)
        {
            await Task.Delay(50);
            entry = await harness.OutboxAsync(id);
        }

        Assert.Equal(OutboxStatuses.Pending, entry!.Status); // still retried
        Assert.True(entry.Attempts >= 2, $"{entry.Attempts} attempt(s)");
        Assert.Contains("535", entry.LastError);
        Assert.DoesNotContain(wrong, entry.LastError);
        Assert.DoesNotContain(wrong, entry.ToString());
        Assert.Empty(smtp.Mails());
    }

    private static async Task<string> PackageFileAsync(WorkflowHarness harness, string version)
    {
        var path = Path.Combine(harness.DataPath, $"wordpress-{version}.zip");
        await using var file = File.Create(path);
        await DemoWordPress.Package(version).CopyToAsync(file);
        return path;
    }
}
