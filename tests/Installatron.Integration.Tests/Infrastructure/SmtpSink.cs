using System.Text.Json;
using System.Text.RegularExpressions;
using Installatron.Processes;
using MimeKit;

namespace Installatron.Integration.Tests.Infrastructure;

/// <summary>One mail the sink accepted: the parsed message and its SMTP envelope.</summary>
public sealed record ReceivedMail(MimeMessage Message, string MailFrom, IReadOnlyList<string> Recipients, string Login)
{
    public string Subject => Message.Subject ?? "";

    public string Text => Message.TextBody ?? "";

    public string Html => Message.HtmlBody ?? "";
}

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd, <c>smtp_sink.py</c>) on a free loopback port, writing every message it
/// accepts into a folder of its own; optionally requiring a login. Stopped by its PID.
/// </summary>
public sealed partial class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly ChildProcess _process;

    private SmtpSink(ChildProcess process, string folder, int port, string? login, string? password)
    {
        _process = process;
        Folder = folder;
        Port = port;
        Login = login;
        Password = password;
    }

    public string Folder { get; }

    public int Port { get; }

    public string? Login { get; }

    public string? Password { get; }

    /// <summary>The settings that point the service at this server (configuration keys, <c>Installatron:Smtp*</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Installatron:SmtpHost"] = "127.0.0.1",
        ["Installatron:SmtpPort"] = Port.ToString(),
        ["Installatron:SmtpTls"] = "none",
        ["Installatron:SmtpLogin"] = Login ?? "",
        ["Installatron:SmtpPassword"] = Password ?? "",
        ["Installatron:SmtpFrom"] = "Installatron <updates@installatron.test>",
    };

    /// <summary>The same settings as command-line arguments for the standalone server.</summary>
    public IEnumerable<string> Arguments => Settings.SelectMany(s => new[] { "--" + s.Key, s.Value ?? "" });

    public static async Task<SmtpSink> StartAsync(string? login = null, string? password = null)
    {
        var folder = TestIds.NewTempDirectory();
        string[] credentials = login is null || password is null ? [] : [login, password];
        var process = ChildProcess.Start(Python, [Path.Combine(AppContext.BaseDirectory, "Infrastructure", "smtp_sink.py"), folder, .. credentials],
            new ChildProcessOptions { Name = "aiosmtpd sink" });
        await process.WaitForOutputAsync(output => Listening().IsMatch(output) || process.HasExited, TimeSpan.FromSeconds(20));
        if (Listening().Match(process.StandardOutput) is not { Success: true } listening)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException(
                "The SMTP sink did not start: is Debian's python3-aiosmtpd installed? (`apt-get install -y python3-aiosmtpd`; .ci/run does it)\n" + process.Output);
        }

        return new SmtpSink(process, folder, int.Parse(listening.Groups["port"].Value), login, password);
    }

    /// <summary>Every mail accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Mails() => Directory.EnumerateFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(path =>
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        var root = meta.RootElement;
        return new ReceivedMail(MimeMessage.Load(path), root.GetProperty("mail_from").GetString() ?? "",
            root.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()!).ToList(), root.GetProperty("login").GetString() ?? "");
    }).ToList();

    /// <summary>Waits until at least <paramref name="count"/> mails have arrived; returns all of them.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (Directory.EnumerateFiles(Folder, "*.eml").Count() < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} mail(s) expected, {Mails().Count} arrived: {string.Join(" | ", Mails().Select(m => m.Subject))}");
            }

            await Task.Delay(50);
        }

        return Mails();
    }

    /// <summary>Lets a second pass (a late duplicate would arrive in it), then asserts the number of mails in all.</summary>
    public async Task AssertNoMoreThanAsync(int count)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(count, Mails().Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }

    [GeneratedRegex(@"LISTENING (?<port>\d+)")]
    private static partial Regex Listening();
}
