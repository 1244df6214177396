using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Webhooks;
using Installatron.Core.Outbound.Workflow;

namespace Installatron.Core.Tests.Outbound;

public sealed class NotificationRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(TaskStatuses.Complete, "6.7.3", "update")]
    [InlineData(TaskStatuses.Failed, "6.7.3", "update_error")]
    [InlineData(TaskStatuses.Reverted, "6.7.3", "update_error")]
    [InlineData(TaskStatuses.Complete, "current", "plugin_update")]
    [InlineData(TaskStatuses.Reverted, "current", "plugin_update_error")]
    public void ForTask_StatusAndTarget_OneEvent(string status, string versionTo, string expected) =>
        Assert.Equal(expected, NotificationEvents.ForTask(new UpdateTask
        {
            Id = "t", InstallId = "i", User = "u", Application = "wordpress", VersionFrom = "6.7.2", VersionTo = versionTo, Status = status,
        }));

    [Fact]
    public void Events_AreNamesOfTheInstallsNotificationList() => Assert.Empty(NotificationEvents.All.Except(Notifications.All));

    [Fact]
    public void IdFor_SameIdentity_SameId_OtherwiseDifferent()
    {
        var id = OutboxEntry.IdFor("task1", "update", "webhook:e1");
        Assert.Matches("^msg_[0-9a-f]{32}$", id);
        Assert.Equal(id, OutboxEntry.IdFor("task1", "update", "WEBHOOK:E1"));
        Assert.NotEqual(id, OutboxEntry.IdFor("task1", "update", "webhook:e2"));
        Assert.NotEqual(id, OutboxEntry.IdFor("task2", "update", "webhook:e1"));
        Assert.NotEqual(id, OutboxEntry.IdFor("task1", "update_error", "webhook:e1"));
    }

    [Fact]
    public void RetrySchedule_Defaults_DelaysInTurnThenGivesUpAfter24Hours()
    {
        var schedule = RetrySchedule.From(new NotificationOptions());
        Assert.Equal(T0.AddSeconds(5), schedule.Next(T0, 1, T0));
        Assert.Equal(T0.AddMinutes(10), schedule.Next(T0, 2, T0.AddMinutes(5)));
        // Failing attempts at the scheduled times: retried until at least 24 hours after the first, then given up.
        var now = T0;
        var attempts = 1;
        while (schedule.Next(T0, attempts, now) is { } next)
        {
            now = next;
            attempts++;
        }

        Assert.True(now - T0 >= TimeSpan.FromHours(24), $"last attempt {now - T0} after the first");
        Assert.Equal(8, attempts);
    }

    [Fact]
    public void WebhookEndpoint_ToString_NeverShowsTheSecret()
    {
        var endpoint = new WebhookEndpoint { Id = "e1", Url = "https://hooks.example.com/x", Secret = "whsec_c2VjcmV0LXZhbHVlLTAxMjM0NTY3ODk=" };
        Assert.DoesNotContain("c2VjcmV0", endpoint.ToString());
        Assert.Contains("e1", endpoint.ToString());
        Assert.Null(endpoint.View().Secret);
        Assert.Equal(endpoint.Secret, endpoint.View(revealSecret: true).Secret);
    }

    [Fact]
    public void RetrySchedule_LastDelayRepeats() =>
        Assert.Equal(T0.AddSeconds(2), new RetrySchedule([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], TimeSpan.FromHours(1)).Next(T0, 9, T0));

    [Theory]
    [InlineData("00:00:05,00:05:00", 2)]
    [InlineData(" 1.00:00:00 ", 1)]
    public void ParseRetryDelays_Valid_Parsed(string setting, int count) =>
        Assert.Equal(count, new NotificationOptions { NotificationRetryDelays = setting }.ParseRetryDelays()!.Count);

    [Theory]
    [InlineData("")]
    [InlineData("5s")]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public void ParseRetryDelays_Invalid_Null(string setting) =>
        Assert.Null(new NotificationOptions { NotificationRetryDelays = setting }.ParseRetryDelays());
}
