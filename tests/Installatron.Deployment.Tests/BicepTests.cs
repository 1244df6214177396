namespace Installatron.Deployment.Tests;

public sealed class BicepTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Build_MainBicep_NoErrorsOrWarnings()
    {
        var (exitCode, output) = Repository.Run(Bicep(), Repository.Root, Timeout, "build", "infra/main.bicep", "--stdout");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("Warning", output);
        Assert.DoesNotContain(": Error", output);
    }

    [Fact]
    public void Lint_MainBicep_Clean()
    {
        var (exitCode, output) = Repository.Run(Bicep(), Repository.Root, Timeout, "lint", "infra/main.bicep");
        Assert.True(exitCode == 0, output);
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public void Infra_NoKeysOrConnectionStrings()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "infra"), "*.bicep", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("listKeys", text);
            Assert.DoesNotContain("AccountKey=", text);
        }

        var storage = Repository.ReadFile("infra/core/storage.bicep");
        Assert.Contains("allowSharedKeyAccess: false", storage);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", storage);
        var app = Repository.ReadFile("infra/app/api.bicep");
        Assert.Contains("httpsOnly: true", app);
        Assert.Contains("minTlsVersion: '1.2'", app);
        Assert.Contains("ftpsState: 'Disabled'", app);
        Assert.Equal(2, app.Split("allow: false").Length - 1);
    }

    /// <summary>The Bicep CLI from the restored NuGet package (a package file has no run bit: set it).</summary>
    private static string Bicep()
    {
        var path = Path.Combine(Repository.NuGetPackageRoot, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(path), $"The Bicep CLI is not restored at {path}.");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }
}
