using Installatron.Core.Domain;
using Installatron.Core.Outbound;
using Installatron.Core.Outbound.Email;

namespace Installatron.Core.Tests.Outbound;

public sealed class MailComposerTests
{
    private static readonly Install Site = new()
    {
        Id = "inst1", Application = "wordpress", Path = "/home/u/public_html", Url = "https://example.com/blog", User = "u", Version = "6.7.2",
        Title = "<script>alert(1)</script>\r\nBcc: victim@example.com", DbPass = "db-secret-value", Login = "admin",
    };

    private static readonly UpdateTask Done = new()
    {
        Id = "task1", InstallId = "inst1", User = "u", Application = "wordpress", VersionFrom = "6.7.2", VersionTo = "6.7.3",
        Status = TaskStatuses.Complete, BackupId = "backup7", TimeCompleted = 1_800_000_000,
        Applied = [new AppliedComponent("plugin", "akismet", "5.3.6", "5.3.7")],
    };

    [Fact]
    public void ForTask_Complete_SubjectFromToBackupAndComponents()
    {
        var mail = MailComposer.ForTask("owner@example.com", "update", Done, Site);
        Assert.Equal("owner@example.com", mail.To);
        Assert.Equal("[Installatron] WordPress at https://example.com/blog was updated to 6.7.3", mail.Subject);
        Assert.Contains("6.7.2 → 6.7.3", mail.Text);
        Assert.Contains("plugin akismet 5.3.6 → 5.3.7", mail.Text);
        Assert.Contains("kept: backup7", mail.Text);
        Assert.Contains("2027-01-15 08:00:00 UTC", mail.Text);
        Assert.Contains("\"update\"", mail.Text);
    }

    [Fact]
    public void ForTask_FailedIncomplete_SaysSoWithTheErrcode()
    {
        var failed = Done with { Status = TaskStatuses.Failed, Errcode = "failed_update", Message = "Applying the update failed: disk full." };
        var mail = MailComposer.ForTask("o@example.com", "update_error", failed, Site with { Incomplete = true });
        Assert.Equal("[Installatron] The update of WordPress at https://example.com/blog to 6.7.3 failed; the site is incomplete (failed_update)", mail.Subject);
        Assert.Contains("failed (failed_update): Applying the update failed: disk full.", mail.Text);
        Assert.Contains("Reverted:", mail.Text);
        Assert.Contains("incomplete: the update was cut off", mail.Text);
    }

    [Fact]
    public void ForTask_HostileTitle_EncodedInHtmlAndNoSecret()
    {
        var mail = MailComposer.ForTask("o@example.com", "update", Done, Site);
        Assert.DoesNotContain("<script>", mail.Html);
        Assert.Contains("&lt;script&gt;", mail.Html);
        Assert.DoesNotContain("db-secret-value", mail.Text + mail.Html + mail.Subject);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.DoesNotContain('\r', mail.Subject);
    }

    [Fact]
    public void ForAvailable_PluginAndCore_ClearSubjects()
    {
        Assert.Equal("[Installatron] WordPress 6.7.3 is available for https://example.com/blog",
            MailComposer.ForAvailable("o@example.com", Site, new AvailableUpdate("core", "wordpress", "6.7.2", "6.7.3")).Subject);
        var plugin = MailComposer.ForAvailable("o@example.com", Site, new AvailableUpdate("plugin", "akismet", "5.3.6", "5.3.7"));
        Assert.Equal("[Installatron] akismet 5.3.7 is available for https://example.com/blog", plugin.Subject);
        Assert.Contains("The plugin akismet 5.3.7 is available", plugin.Text);
        Assert.Contains("\"plugin_update_available\"", plugin.Text);
    }
}
