using System.Diagnostics;
using System.Text.Json;
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
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;

    private SmtpSink(Process process, string folder, int port, string? login, string? password)
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
        var start = new ProcessStartInfo(Python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Infrastructure", "smtp_sink.py"), folder, login, password })
        {
            if (argument is not null)
            {
                start.ArgumentList.Add(argument);
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} could not be started.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException(
                "The SMTP sink did not start: is Debian's python3-aiosmtpd installed? (`apt-get install -y python3-aiosmtpd`; .ci/run does it)");
        }

        return new SmtpSink(process, folder, int.Parse(line["LISTENING ".Length..]), login, password);
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
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
