using System.Reflection;
using Installatron.Processes;

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
        var result = ChildProcess.RunAsync(fileName, arguments, timeout, workingDirectory).GetAwaiter().GetResult();
        return (result.ExitCode, result.Output);
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
