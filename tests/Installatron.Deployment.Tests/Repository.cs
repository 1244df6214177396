using System.Diagnostics;
using System.Reflection;

namespace Installatron.Deployment.Tests;

public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string NuGetPackageRoot =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;

    public static string ReadFile(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>Runs a program to completion and returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeout}.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Installatron.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }
}
