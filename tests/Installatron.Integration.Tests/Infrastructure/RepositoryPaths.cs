namespace Installatron.Integration.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The repository root (the folder with the solution), found from the test binaries up.</summary>
    public static string Root { get; } = Find();

    /// <summary>Debug or Release: the configuration these tests were built with, so built outputs of other projects are found.</summary>
    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Installatron.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
